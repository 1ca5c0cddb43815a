#!/usr/bin/env bash
# #19, "Benchmark": 3 Portcullis nodes against 1, both through Debian's HAProxy (round-robin, no
# stickiness), every node on the same PostgreSQL (a schema of this run) and one cluster key, in
# front of one echo upstream over HTTP. One load generator (bench/src) measures, in the same run,
# at fixed offered rates and at peak, a chain of rows, each against the one before it:
#   http-direct     the echo called directly
#   one-node-local  HAProxy -> 1 node on the embedded SQLite store, no cluster key   (vs http-direct)
#   one-node        HAProxy -> 1 node on PostgreSQL with the cluster key             (vs one-node-local:
#                   the added cost of shared state per call, one JVM, so 2 cores do not confound it)
#   three-nodes     HAProxy -> 3 such nodes, round-robin                             (vs one-node: what
#                   spreading one session over three JVMs adds; on one 2-core machine 3 nodes are
#                   not faster, they share the same cores)
# BENCH_ONLY picks rows (a row whose baseline is not picked is measured only as the baseline of
# the next; without one-node-local, one-node is measured against http-direct, as before); only the
# nodes of the picked rows are started (an idle JVM still takes CPU). Before the rows' own warm-up,
# every node is driven directly (not through HAProxy) in a closed loop for BENCH_NODE_WARMUP seconds
# (default: BENCH_WARMUP), one node after the other, so that each of the three nodes is as warm as
# the single one (BENCH_NODE_WARMUP=0: the old warm-up, through HAProxy only, where each of the
# three got a third). After the tables, each node's control times and audit group commit (records
# per commit, commit latency) during the fixed-rate rounds, from its /metrics. See docs/performance.md.
#
#   bench/cluster.sh                          # ~6 minutes; report on stdout and in target/bench-cluster/results.md
#   BENCH_RATES=200 BENCH_SECONDS=5 BENCH_ROUNDS=2 bench/cluster.sh   # shorter
#   BENCH_ORDER=alternate BENCH_LIMIT_MS=0.2 BENCH_RATES=200 BENCH_ONLY=one-node,three-nodes bench/cluster.sh
#                                             # 3 nodes and 1 alone, in alternating slices, with the paired
#                                             # interval and a verdict (bench/README.md)
#   BENCH_ORDER=alternate BENCH_LIMIT_MS=0.2 BENCH_RATES=200 BENCH_ONLY=one-node-local,one-node bench/cluster.sh
#                                             # shared state (PostgreSQL, cluster key) against none, one JVM each
#   BENCH_ONLY=http-direct,one-node,three-nodes BENCH_NODE_WARMUP=0 bench/cluster.sh   # the rows and warm-up of before
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
. bench/lib.sh
java="$JAVA_HOME/bin/java"
jar="${BENCH_JAR:-$root/target/portcullis-0.1.0-SNAPSHOT.jar}"
work="$root/target/bench-cluster"
rates=${BENCH_RATES:-200,500}
seconds=${BENCH_SECONDS:-8}
rounds=${BENCH_ROUNDS:-3}
warmup=${BENCH_WARMUP:-10}
node_warmup=${BENCH_NODE_WARMUP:-$warmup}
only=${BENCH_ONLY:-}
peak_seconds=${BENCH_PEAK_SECONDS:-5}
peak_warmup=${BENCH_PEAK_WARMUP:-1}
concurrency=${BENCH_CONCURRENCY:-32}
pg="${BENCH_PG:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}"
schema="bench_cluster_$$_$(date +%s)"
say() { echo "[cluster] $*" >&2; }
command -v haproxy >/dev/null || { say "haproxy is missing (apt-get install haproxy)"; exit 1; }
command -v psql >/dev/null || { say "psql is missing (apt-get install postgresql-client)"; exit 1; }
[ -f "$jar" ] || { say "building the Portcullis jar"; mvn -q -B -o -DskipTests -Dmaven.test.skip=true package >&2; }
classes="$root/bench/target/classes"
bench_compile_loadgen "$classes"
rm -rf "$work"; mkdir -p "$work"
psql -h 127.0.0.1 -U postgres -d test -qc "CREATE SCHEMA $schema" >/dev/null

pids=()
stop_all() {
  bench_stop 100 "${pids[@]}"
  psql -h 127.0.0.1 -U postgres -d test -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
}
trap stop_all EXIT
trap 'exit 130' INT TERM
wait_for() { bench_wait_for 1800 "$@"; } # wait_for <file> <text> <what>

picked() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; } # picked <row>: whether BENCH_ONLY names it (or is empty)
mapfile -t ports < <("$java" -cp "$classes" io.portcullis.bench.FreePort 9)
p_echo=${ports[0]} p_lb1=${ports[1]} p_lb3=${ports[2]} p_lbl=${ports[7]}
node_ports=("${ports[8]}" "${ports[3]}" "${ports[4]}" "${ports[5]}" "${ports[6]}") # node0 .. node4
nodes=(1) # node0: one-node-local; node1: one-node (also the baseline of three-nodes); node2-4: three-nodes
picked one-node-local && nodes=(0 "${nodes[@]}")
picked three-nodes && nodes+=(2 3 4)
say "echo upstream over HTTP on 127.0.0.1:$p_echo"
"$java" -cp "$jar" io.portcullis.demo.DemoServer --echo --http "$p_echo" 2>"$work/echo.log" &
pids+=($!); pid_echo=$!
wait_for "$work/echo.log" "listening on" "the echo upstream"

export PORTCULLIS_CLUSTER_KEY="bench-cluster-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
node_pids=(- - - - -) # by node number; "-" for a node not started
for i in "${nodes[@]}"; do # node1 to node4: the same config on the same store; node0: that config on its own store
  mkdir -p "$work/node$i"
  cat >"$work/node$i/portcullis.yaml" <<EOF
server: {host: 127.0.0.1, port: ${node_ports[$i]}, data_dir: $work/node$i/data}
store: {url: "$pg&currentSchema=$schema"}
audit: {node_id: node$i}
upstreams:
  http: {url: "http://127.0.0.1:$p_echo/mcp"}
catalog:
  upstreams:
    http: {owner: bench}
  tools:
    http__echo: {purpose: Benchmark echo., risk: read_only}
EOF
  key=(env)
  if [ "$i" = 0 ]; then # one-node-local: no store url (the embedded SQLite in data_dir), no cluster key
    sed -i '/^store:/d' "$work/node$i/portcullis.yaml"
    key=(env -u PORTCULLIS_CLUSTER_KEY)
  fi
  say "node$i on 127.0.0.1:${node_ports[$i]}"
  "${key[@]}" "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --config "$work/node$i/portcullis.yaml" 2>"$work/node$i.log" &
  pids+=($!); node_pids[$i]=$!
  wait_for "$work/node$i.log" "Portcullis is listening" "node$i" # one at a time: the store's migrations
done

cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 2000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  retries 3
  option redispatch 1
  option http-buffer-request
  retry-on conn-failure 503
frontend one
  bind 127.0.0.1:$p_lb1
  default_backend one
frontend three
  bind 127.0.0.1:$p_lb3
  default_backend three
frontend local
  bind 127.0.0.1:$p_lbl
  default_backend local
backend one
  server node1 127.0.0.1:${node_ports[1]}
backend three
  balance roundrobin
  server node2 127.0.0.1:${node_ports[2]}
  server node3 127.0.0.1:${node_ports[3]}
  server node4 127.0.0.1:${node_ports[4]}
backend local
  server node0 127.0.0.1:${node_ports[0]}
EOF
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!); pid_lb=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p_lb1/healthz" && break; sleep 0.1; done

row() { local IFS=$'\t'; echo "$*"; }
if [ "$node_warmup" != 0 ]; then # every node the same JIT warm-up, driven directly, one after the other
  for i in "${nodes[@]}"; do
    row "node$i" portcullis - - http-legacy http__echo "${node_pids[$i]}" "http://127.0.0.1:${node_ports[$i]}/mcp"
  done >"$work/node-warmup.tsv"
  say "warming up each node directly: ${node_warmup} s of closed loop ($concurrency callers) each"
  "$java" -Xms256m -cp "$classes" io.portcullis.bench.Bench --targets "$work/node-warmup.tsv" --warmup "$node_warmup" \
    --concurrency "$concurrency" --logs "$work" --warmup-only true >/dev/null
fi

metrics="" # the nodes whose control times and audit group commit are read before and after the rounds
for i in "${nodes[@]}"; do
  case $i in 0) r=one-node-local ;; 1) r=one-node ;; *) r=three-nodes ;; esac
  metrics+="${metrics:+,}node$i ($r)=$work/node$i/data"
done
{
  row http-direct direct - - http-plain echo "$pid_echo" "http://127.0.0.1:$p_echo/mcp"
  if picked one-node-local; then
    row one-node-local portcullis http-direct - http-legacy http__echo "$pid_lb,${node_pids[0]},$pid_echo" "http://127.0.0.1:$p_lbl/mcp"
    row one-node compare one-node-local - http-legacy http__echo "$pid_lb,${node_pids[1]},$pid_echo" "http://127.0.0.1:$p_lb1/mcp"
  else
    row one-node portcullis http-direct - http-legacy http__echo "$pid_lb,${node_pids[1]},$pid_echo" "http://127.0.0.1:$p_lb1/mcp"
  fi
  if picked three-nodes; then
    row three-nodes compare one-node - http-legacy http__echo "$pid_lb,${node_pids[2]},${node_pids[3]},${node_pids[4]},$pid_echo" "http://127.0.0.1:$p_lb3/mcp"
  fi
} >"$work/targets.tsv"
{
  echo "## 3 nodes vs 1 through HAProxy, run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- HAProxy $(haproxy -v | head -1 | awk '{print $3}'); PostgreSQL at 127.0.0.1:5432 (schema $schema); JDK: $("$java" -version 2>&1 | head -1)"
  echo "- command: bench/cluster.sh (rates $rates calls/s, $seconds s per target per rate in $rounds rounds, after a $warmup s warm-up; peak: $concurrency callers, $peak_seconds s)"
  echo "- rows: ${only:-all}; order ${BENCH_ORDER:-together}; each node first warmed up directly for $node_warmup s (closed loop, $concurrency callers; 0: none)"
  echo
} >"$work/results.md"
say "measuring"
"$java" -Xms256m -cp "$classes" io.portcullis.bench.Bench --targets "$work/targets.tsv" --rates "$rates" \
  --seconds "$seconds" --warmup "$warmup" --peak-seconds "$peak_seconds" --peak-warmup "$peak_warmup" --concurrency "$concurrency" \
  --rounds "$rounds" --target-rate "${rates##*,}" --logs "$work" --out "$work/table.md" \
  --order "${BENCH_ORDER:-together}" --slice-seconds "${BENCH_SLICE_SECONDS:-1}" --settle-seconds "${BENCH_SETTLE_SECONDS:-0.2}" \
  ${only:+--only "$only"} --metrics "$metrics" ${BENCH_LIMIT_MS:+--limit-ms "$BENCH_LIMIT_MS"} >/dev/null
cat "$work/table.md" >>"$work/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/results.md"
cat "$work/results.md"
say "report: $work/results.md; logs in $work"
