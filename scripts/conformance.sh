#!/usr/bin/env bash
# Transparency check: runs the official MCP conformance suite (server scenarios) against an MCP
# server over Streamable HTTP twice, DIRECTLY and THROUGH Portcullis fronting it (prefix "" so the
# names are unchanged), and compares the two per scenario. The servers (default: both, in turn):
#   everything  @modelcontextprotocol/server-everything (streamableHttp), the reference server from
#               npm. It lacks most of the suite's fixtures, so most scenarios fail on it directly.
#   fixture     test-support/conformance-fixture.mjs: the suite's fixtures (test_* tools, prompts,
#               test:// resources) on the TypeScript SDK 1.x, so that every scenario passes directly
#               and the comparison covers progress, logging, sampling, elicitation and the rest.
#
#   scripts/conformance.sh [--out DIR] [--upstream everything|fixture] [conformance args, e.g. --suite all]
#
# Prints the pass counts per server and every scenario that passes directly but not through the
# gateway; exits 1 if there is one (or a run produced no results), 2 if a peer would not start,
# else 0. Results per server in DIR/<server>: direct/ and gateway/ (checks.json per scenario, from
# `conformance -o`), summary.md (the table), summary.json and the logs. DIR defaults to
# target/conformance. PORTCULLIS_JAR picks the gateway jar (default: ./portcullis, which builds it
# when stale). Everything listens on 127.0.0.1 only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/target/conformance"
upstreams="everything fixture"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --upstream) upstreams="$2"; shift 2 ;;
    *) break ;;
  esac
done
. "$root/scripts/jdk.sh"
bin="$root/node_modules/.bin"
node="$bin/node" # Node 22 from npm: the suite needs it (fs.globSync)
for f in "$node" "$bin/conformance" "$bin/mcp-server-everything"; do
  [ -x "$f" ] || { echo "conformance: $f is missing; run 'npm ci' first" >&2; exit 2; }
done
export PATH="$bin:$PATH" npm_config_update_notifier=false
mkdir -p "$out"

pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

free_port() { "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# Starts upstream $1 with its output in $2 and sets up_port. The port is picked free but could be
# taken before the server binds it, so a server that dies is retried.
start_upstream() {
  local attempt i pid
  for attempt in 1 2 3; do
    up_port=$(free_port)
    case "$1" in
      everything) # binds all interfaces by itself: the preload keeps it on loopback
        PORT=$up_port "$node" --require "$root/test-support/loopback.cjs" "$bin/mcp-server-everything" streamableHttp > "$2" 2>&1 & ;;
      fixture)
        PORT=$up_port "$node" "$root/test-support/conformance-fixture.mjs" > "$2" 2>&1 & ;;
      *) echo "conformance: unknown upstream '$1' (everything or fixture)" >&2; exit 2 ;;
    esac
    pid=$!
    for ((i = 0; i < 200; i++)); do
      if grep -q "listening on port" "$2" 2>/dev/null; then
        pids+=("$pid")
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "conformance: $1 did not start (attempt $attempt):" >&2
    cat "$2" >&2
  done
  exit 2
}

# Starts Portcullis on config $1 with its output in $2 and sets gw_url (from the banner, which
# comes once the upstream is up).
start_gateway() {
  local i
  if [ -n "${PORTCULLIS_JAR:-}" ]; then
    "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$PORTCULLIS_JAR" serve --config "$1" --port 0 > "$2" 2>&1 &
  else
    "$root/portcullis" serve --config "$1" --port 0 > "$2" 2>&1 &
  fi
  pids+=($!)
  for ((i = 0; i < 1200; i++)); do
    gw_url=$(grep -o 'Portcullis is listening on http://127.0.0.1:[0-9]*/mcp' "$2" 2>/dev/null | grep -o 'http.*' || true)
    [ -n "$gw_url" ] && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "conformance: Portcullis did not start; its output:" >&2
  cat "$2" >&2
  exit 2
}

status=0
for name in $upstreams; do
  dir="$out/$name"
  rm -rf "$dir"
  mkdir -p "$dir"
  start_upstream "$name" "$dir/upstream.log"
  # catalog unlisted: allow - a transparency measure offers every tool the upstream offers;
  # readiness gate off - the suite measures the wire, not a deployment (no identity, no audit key).
  printf 'server:\n  host: 127.0.0.1\n  data_dir: %s\nupstreams:\n  %s:\n    url: http://127.0.0.1:%s/mcp\n    prefix: ""\ncatalog: {unlisted: allow}\nreadiness: {gate: {enforce: false}}\n' \
    "$dir/data" "$name" "$up_port" > "$dir/through.yaml"
  start_gateway "$dir/through.yaml" "$dir/gateway.log"
  echo "conformance: $name directly at http://127.0.0.1:$up_port/mcp, through Portcullis at $gw_url" >&2
  # The suite's exit code only says whether some check failed; the comparison is what counts.
  "$node" "$bin/conformance" server --url "http://127.0.0.1:$up_port/mcp" -o "$dir/direct" "$@" > "$dir/direct.txt" 2>&1 || true
  "$node" "$bin/conformance" server --url "$gw_url" -o "$dir/gateway" "$@" > "$dir/gateway.txt" 2>&1 || true
  cleanup
  echo "== $name"
  "$node" "$root/scripts/conformance-summary.mjs" "$dir" || status=1
done
exit $status
