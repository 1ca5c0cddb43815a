#!/usr/bin/env bash
# Transparency check: runs the official MCP conformance suite (server scenarios) against
# server-everything over Streamable HTTP twice, DIRECTLY and THROUGH Portcullis fronting it
# (prefix "" so tool names are unchanged), and compares the two per scenario.
#
#   scripts/conformance.sh [--out DIR] [extra conformance args, e.g. --suite all]
#
# Prints both pass counts and every scenario that passes directly but not through the gateway;
# exits 1 if there is one (or if a run produced no results), 0 otherwise. Results: DIR/direct and
# DIR/gateway (checks.json per scenario, from `conformance -o`), DIR/summary.md (the table) and
# DIR/summary.json. DIR defaults to target/conformance. PORTCULLIS_JAR picks the gateway jar
# (default: ./portcullis, which builds it when stale). Everything listens on 127.0.0.1 only.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$root/target/conformance"
if [ "${1:-}" = "--out" ]; then
  out=$(mkdir -p "$2" && cd "$2" && pwd)
  shift 2
fi
. "$root/scripts/jdk.sh"
bin="$root/node_modules/.bin"
node="$bin/node" # Node 22 from npm: the suite needs it (fs.globSync)
for f in "$node" "$bin/conformance" "$bin/mcp-server-everything"; do
  [ -x "$f" ] || { echo "conformance: $f is missing; run 'npm ci' first" >&2; exit 2; }
done
export PATH="$bin:$PATH" npm_config_update_notifier=false

rm -rf "$out/direct" "$out/gateway"
mkdir -p "$out"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() { "$node" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# waits until file $1 contains pattern $2, or gives up after $3 seconds naming $4
await_line() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "conformance: $4 did not start; its output:" >&2
  cat "$1" >&2
  exit 2
}

# 1. server-everything over Streamable HTTP, forced onto loopback by the preload.
ev_port=$(free_port)
PORT=$ev_port "$node" --require "$root/test-support/loopback.cjs" "$bin/mcp-server-everything" streamableHttp \
  > "$out/everything.log" 2>&1 &
pids+=($!)
await_line "$out/everything.log" "listening on port" 20 "server-everything"

# 2. Portcullis fronting it, tool names unprefixed so the suite finds the same names.
cat > "$out/through.yaml" <<EOF
server:
  host: 127.0.0.1
  data_dir: $out/data
upstreams:
  everything:
    url: http://127.0.0.1:$ev_port/mcp
    prefix: ""
EOF
if [ -n "${PORTCULLIS_JAR:-}" ]; then
  "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$PORTCULLIS_JAR" serve --config "$out/through.yaml" --port 0 \
    > "$out/gateway.log" 2>&1 &
else
  "$root/portcullis" serve --config "$out/through.yaml" --port 0 > "$out/gateway.log" 2>&1 &
fi
pids+=($!)
await_line "$out/gateway.log" "Portcullis is listening on" 120 "Portcullis"
gw_url=$(grep -o 'http://127.0.0.1:[0-9]*/mcp' "$out/gateway.log" | head -1)

# 3. The suite, both ways. Its exit code only says whether any check failed, which the fixture
#    mismatches of server-everything always make true; the comparison below is what counts.
echo "conformance: direct  http://127.0.0.1:$ev_port/mcp" >&2
"$node" "$bin/conformance" server --url "http://127.0.0.1:$ev_port/mcp" -o "$out/direct" "$@" > "$out/direct.txt" 2>&1 || true
echo "conformance: through $gw_url" >&2
"$node" "$bin/conformance" server --url "$gw_url" -o "$out/gateway" "$@" > "$out/gateway.txt" 2>&1 || true

"$node" "$root/scripts/conformance-summary.mjs" "$out"
