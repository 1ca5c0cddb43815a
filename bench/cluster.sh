#!/usr/bin/env bash
# #19, "Benchmark": 3 Portcullis nodes against 1, both through Debian's HAProxy (round-robin, no
# stickiness), every node on the same PostgreSQL (a schema of this run) and one cluster key, in
# front of one echo upstream over HTTP. One load generator (bench/src) measures, in the same run,
# the echo called directly (the baseline), 1 node through HAProxy, and 3 nodes through HAProxy at
# fixed offered rates and at peak. The "3 nodes" row's "added" columns are against the "1 node" row
# measured at the same moments: the added cost of a cluster per call (sessions adopted from their
# sealed ids, the ended-sessions check, spreading one session over three JVMs). On one 2-core
# machine 3 nodes are not faster: they share the same cores. See docs/performance.md.
#
#   bench/cluster.sh                          # ~4 minutes; report on stdout and in target/bench-cluster/results.md
#   BENCH_RATES=200 BENCH_SECONDS=5 BENCH_ROUNDS=2 bench/cluster.sh   # shorter
#   BENCH_ORDER=alternate BENCH_LIMIT_MS=0.2 BENCH_RATES=200 bench/cluster.sh   # 3 nodes and 1 alone, in alternating
#                                             # slices, with the paired interval and a verdict (bench/README.md)
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

mapfile -t ports < <("$java" -cp "$classes" io.portcullis.bench.FreePort 7)
p_echo=${ports[0]} p_lb1=${ports[1]} p_lb3=${ports[2]}
say "echo upstream over HTTP on 127.0.0.1:$p_echo"
"$java" -cp "$jar" io.portcullis.demo.DemoServer --echo --http "$p_echo" 2>"$work/echo.log" &
pids+=($!); pid_echo=$!
wait_for "$work/echo.log" "listening on" "the echo upstream"

export PORTCULLIS_CLUSTER_KEY="bench-cluster-$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
node_pids=()
for i in 1 2 3 4; do # node1: the 1-node setup; node2-4: the 3-node setup (same config, same store)
  mkdir -p "$work/node$i"
  cat >"$work/node$i/portcullis.yaml" <<EOF
server: {host: 127.0.0.1, port: ${ports[$((i + 2))]}, data_dir: $work/node$i/data}
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
  say "node$i on 127.0.0.1:${ports[$((i + 2))]}"
  "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" serve --config "$work/node$i/portcullis.yaml" 2>"$work/node$i.log" &
  pids+=($!); node_pids+=($!)
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
backend one
  server node1 127.0.0.1:${ports[3]}
backend three
  balance roundrobin
  server node2 127.0.0.1:${ports[4]}
  server node3 127.0.0.1:${ports[5]}
  server node4 127.0.0.1:${ports[6]}
EOF
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!); pid_lb=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p_lb3/healthz" && break; sleep 0.1; done

row() { local IFS=$'\t'; echo "$*"; }
{
  row http-direct direct - - http-plain echo "$pid_echo" "http://127.0.0.1:$p_echo/mcp"
  row one-node portcullis http-direct - http-legacy http__echo "$pid_lb,${node_pids[0]},$pid_echo" "http://127.0.0.1:$p_lb1/mcp"
  row three-nodes compare one-node - http-legacy http__echo "$pid_lb,${node_pids[1]},${node_pids[2]},${node_pids[3]},$pid_echo" "http://127.0.0.1:$p_lb3/mcp"
} >"$work/targets.tsv"
{
  echo "## 3 nodes vs 1 through HAProxy, run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- HAProxy $(haproxy -v | head -1 | awk '{print $3}'); PostgreSQL at 127.0.0.1:5432 (schema $schema); JDK: $("$java" -version 2>&1 | head -1)"
  echo "- command: bench/cluster.sh (rates $rates calls/s, $seconds s per target per rate in $rounds rounds, after a $warmup s warm-up; peak: $concurrency callers, $peak_seconds s)"
  echo
} >"$work/results.md"
say "measuring"
"$java" -Xms256m -cp "$classes" io.portcullis.bench.Bench --targets "$work/targets.tsv" --rates "$rates" \
  --seconds "$seconds" --warmup "$warmup" --peak-seconds "$peak_seconds" --peak-warmup "$peak_warmup" --concurrency "$concurrency" \
  --rounds "$rounds" --target-rate "${rates##*,}" --logs "$work" --out "$work/table.md" \
  --order "${BENCH_ORDER:-together}" --slice-seconds "${BENCH_SLICE_SECONDS:-1}" --settle-seconds "${BENCH_SETTLE_SECONDS:-0.2}" \
  ${BENCH_LIMIT_MS:+--limit-ms "$BENCH_LIMIT_MS"} >/dev/null
cat "$work/table.md" >>"$work/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/results.md"
cat "$work/results.md"
say "report: $work/results.md; logs in $work"
