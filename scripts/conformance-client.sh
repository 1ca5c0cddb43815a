#!/usr/bin/env bash
# Runs the official MCP conformance suite's CLIENT scenarios (all 26 of
# @modelcontextprotocol/conformance 0.1.16, auth suite included) against `portcullis connect`: a
# desktop-style client (test-support/conformance-client.mjs, the TypeScript SDK over stdio) drives
# connect, and the suite's scenario servers judge connect's HTTP and OAuth requests. One scenario at
# a time (each starts a JVM; the suite's own --suite mode starts them all at once).
#
#   scripts/conformance-client.sh [--out DIR] [--gateway] [SCENARIO...]
#
# With --gateway the client under test is the gateway's own upstream client instead (issue 17): the
# command is test-support/conformance-gateway-client.mjs, which starts a Portcullis fronting the
# scenario's server (credentials mode oauth for the client-credentials auth scenarios, user_oauth
# with discovered endpoints and a consent link for the authorization-code ones) and drives it with the
# TypeScript SDK over Streamable HTTP; expected failures in scripts/conformance-gateway-expected.txt,
# results in target/conformance-gateway-client.
#
# Prints PASS/FAIL per scenario and the count; exits 1 when a scenario fails that is not listed as
# an expected failure in scripts/conformance-client-expected.txt (each with its reason in
# docs/conformance.md), or when a listed one passes (so the list stays true), 2 if a peer is
# missing. Results per scenario in DIR (default target/conformance-client): checks.json, stdout,
# stderr. PORTCULLIS picks the launcher (default ./portcullis, which builds the jar when stale), or
# PORTCULLIS_JAR a jar. CONFORMANCE_CLIENT_TIMEOUT_MS (default 120000) is the suite's time per
# scenario (a gateway JVM started on a machine that runs a benchmark at high priority needs more).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=""
driver=conformance-client.mjs
expected="$root/scripts/conformance-client-expected.txt"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --gateway) driver=conformance-gateway-client.mjs; expected="$root/scripts/conformance-gateway-expected.txt"; shift ;;
    *) break ;;
  esac
done
if [ -z "$out" ]; then
  out="$root/target/conformance-client"
  [ "$driver" = conformance-client.mjs ] || out="$root/target/conformance-gateway-client"
fi
. "$root/scripts/jdk.sh"
bin="$root/node_modules/.bin"
node="$bin/node"
for f in "$node" "$bin/conformance"; do
  [ -x "$f" ] || { echo "conformance-client: $f is missing; run 'npm ci' first" >&2; exit 2; }
done
export PATH="$bin:$PATH" npm_config_update_notifier=false
if [ -z "${PORTCULLIS:-}" ] && [ -z "${PORTCULLIS_JAR:-}" ]; then
  "$root/portcullis" --version > /dev/null # builds the jar once, before the scenarios' timeouts run
  export PORTCULLIS="$root/portcullis"
fi
export JAVA_HOME
scenarios=("$@")
if [ ${#scenarios[@]} -eq 0 ]; then
  mapfile -t scenarios < <("$node" "$bin/conformance" list 2>&1 | sed -n '/^Client scenarios/,$p' | sed -n 's/^  - \([^ ]*\).*/\1/p')
fi
rm -rf "$out"
mkdir -p "$out"
pass=0; status=0
run() { # run <scenario> <report file>: the suite's own verdict is in the report
  "$node" "$bin/conformance" client --command "$node $root/test-support/$driver" --scenario "$1" \
    --timeout "${CONFORMANCE_CLIENT_TIMEOUT_MS:-120000}" -o "$out/${1//\//_}" > "$2" 2>&1 || true
}
for s in "${scenarios[@]}"; do
  report="$out/${s//\//_}.txt"
  run "$s" "$report"
  listed=no; grep -qx "$s" "$expected" 2>/dev/null && listed=yes
  note=""
  # elicitation-sep1034-client-defaults failed once in about ten runs (its elicitation was sent before
  # connect's GET stream was open and dropped; fixed in issue 17 item 5, docs/conformance.md): an
  # unexpected failure is run once more, and a pass on the second attempt is reported as such, never silently
  if ! grep -q "OVERALL: PASSED" "$report" && [ "$listed" = no ]; then
    mv "$report" "$out/${s//\//_}.first-attempt.txt"
    run "$s" "$report"
    grep -q "OVERALL: PASSED" "$report" && note=" (on the second attempt; the first: ${s//\//_}.first-attempt.txt)"
  fi
  # the suite's own verdict: no FAILURE and no WARNING, no timeout, and the client exited 0 unless
  # the scenario expects it to give up (resource-mismatch, scope-retry-limit)
  if grep -q "OVERALL: PASSED" "$report"; then
    result=PASS; pass=$((pass + 1))
  else
    result=FAIL
  fi
  if [ "$result" = FAIL ] && [ "$listed" = no ]; then note=" (unexpected)"; status=1; fi
  if [ "$result" = PASS ] && [ "$listed" = yes ]; then note=" (listed as expected to fail: take it off the list)"; status=1; fi
  echo "$result $s$note"
done
echo "conformance-client: $pass / ${#scenarios[@]} client scenarios pass"
exit $status
