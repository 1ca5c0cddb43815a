#!/usr/bin/env bash
# The benchmark: the echo upstream called directly, through Portcullis (HTTP and stdio, legacy
# sessions and stateless 2026-07-28) and through the mcp-proxy npm package, at fixed offered
# loads and at peak, side by side in one run. Everything listens on 127.0.0.1 and everything it
# starts is stopped on exit. See bench/README.md.
#
#   bench/run.sh                 # ~6 minutes; the report goes to stdout and target/bench/results.md
#   BENCH_SECONDS=16 BENCH_ROUNDS=8 bench/run.sh
#   BENCH_ONLY=http-direct,portcullis-http-legacy bench/run.sh   # a subset (keep the baselines)
#   BENCH_JAR_B=target/portcullis-0.1.0-SNAPSHOT.jar BENCH_A_YAML='egress: {enabled: false}' BENCH_MESSAGE_BYTES=2048 \
#     BENCH_RATES=1000 BENCH_ONLY=http-direct,portcullis-http-legacy,B-portcullis-http-legacy bench/run.sh
#                                # one build, egress off (A) against on (B), 2 KB results (#13; docs/performance.md)
#   BENCH_ORDER=alternate BENCH_LIMIT_MS=0.1 BENCH_JAR_B=target/portcullis-0.1.0-SNAPSHOT.jar BENCH_RATES=1000 BENCH_SECONDS=32 \
#     BENCH_ONLY=portcullis-http-legacy,B-portcullis-http-legacy bench/run.sh
#                                # A and B alone, in alternating 1 s slices (A B B A ...): the median of the paired
#                                # differences, its 95% interval and a verdict on B's added p50 (bench/README.md)
#   BENCH_PROFILE=full bench/run.sh   # every control on (#20 item 1; bench/full-profile.sh, bench/README.md)
#   BENCH_PROFILE=full BENCH_JAR_B=target/portcullis-0.1.0-SNAPSHOT.jar BENCH_A_WITHOUT=tracing bench/run.sh
#                                # the full profile in B against the same build without tracing in A: B adds = tracing's cost
#   BENCH_JAR=a.jar BENCH_JAR_B=b.jar bench/run.sh   # two builds side by side (what bench/compare.sh does):
#     every Portcullis row of jar B ("B-...") is measured at the same moments as jar A's row, which
#     is its baseline, so its "added" columns are B minus A in one run
#   BENCH_BUSY_DISK=1 BENCH_RATES=500 BENCH_ONLY=http-direct,portcullis-http-legacy bench/run.sh
#                                # the gateways' data directory on a busy disk (#20 item 3): a background writer
#                                # (dd, 64 MiB written and fsynced again and again next to the data directory,
#                                # bounded by timeout, stopped by its PID) runs through the whole measurement
#   BENCH_JFR=target/prof bench/run.sh   # each gateway records a JFR profile (gateway.jfr, gateway-b.jfr in that
#                                # directory) for `jfr view hot-methods` (#20 item 3; docs/performance.md)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
java="$JAVA_HOME/bin/java"
jar="${BENCH_JAR:-$root/target/portcullis-0.1.0-SNAPSHOT.jar}"
jar_b="${BENCH_JAR_B:-}"
work="$root/target/bench"
rates=${BENCH_RATES:-200,500,1000}
seconds=${BENCH_SECONDS:-8}
rounds=${BENCH_ROUNDS:-4}
warmup=${BENCH_WARMUP:-10}
peak_seconds=${BENCH_PEAK_SECONDS:-5}
# uncounted closed-loop seconds just before each peak: the 32 callers make the JIT compile anew,
# and that compiling, counted, was most of the CPU per call of a short peak (#12)
peak_warmup=${BENCH_PEAK_WARMUP:-1}
concurrency=${BENCH_CONCURRENCY:-32}
# BENCH_ORDER: "together" (default: each target at the same time as its baseline) or "alternate"
# (each alone, in slices of BENCH_SLICE_SECONDS in the order A B B A ..., after a BENCH_SETTLE_SECONDS
# gap each; the report adds the median of the paired differences with a 95% interval, and with
# BENCH_LIMIT_MS a verdict on the added p50; bench/README.md "How it measures")
order=${BENCH_ORDER:-together}
case "$order" in together|alternate) ;; *) echo "BENCH_ORDER must be together or alternate, not '$order'" >&2; exit 2 ;; esac
slice_seconds=${BENCH_SLICE_SECONDS:-1}
settle_seconds=${BENCH_SETTLE_SECONDS:-0.2}
limit_ms=${BENCH_LIMIT_MS:-}
# BENCH_PROFILE: "anonymous" (default: no identity section, the shipped defaults) or "full" (every
# control on, bench/full-profile.sh; #20 item 1)
profile=${BENCH_PROFILE:-anonymous}
case "$profile" in anonymous|full) ;; *) echo "BENCH_PROFILE must be anonymous or full, not '$profile'" >&2; exit 2 ;; esac
# BENCH_JFR=<dir>: the gateways run under Java Flight Recorder (settings=profile) and write their
# recordings there when stopped; stopping then waits longer, since the dump takes a while (#20 item 3)
jfr_dir=${BENCH_JFR:+$(mkdir -p "$BENCH_JFR" && cd "$BENCH_JFR" && pwd)}
jfr_opts() { [ -n "$jfr_dir" ] && echo "-XX:StartFlightRecording=filename=$jfr_dir/$1.jfr,settings=profile,dumponexit=true"; true; }
stop_wait=$([ -n "$jfr_dir" ] && echo 600 || echo 50)

say() { echo "[run] $*" >&2; }

# Everything the benchmark starts runs at a raised priority (nice -10) when the user may do
# that: the machines are shared, and the other work on them otherwise lands in the middle of
# the measurements. BENCH_NICE=0 runs everything at normal priority.
nice_level=${BENCH_NICE:--10}
if [ "$nice_level" != 0 ] && nice -n "$nice_level" true 2>/dev/null; then
  prio=(nice -n "$nice_level")
else
  prio=()
  [ "$nice_level" != 0 ] && say "cannot raise priority (nice $nice_level); running at normal priority"
fi

# --- build what is missing or stale --------------------------------------------------------
if [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; }; then
  say "building the Portcullis jar"
  mvn -q -B -DskipTests -Dmaven.test.skip=true package >&2
fi
if [ ! -x node_modules/.bin/mcp-proxy ] || [ ! -x node_modules/.bin/supergateway ]; then
  say "installing the npm peers (npm ci)"
  npm ci --no-audit --no-fund >&2
fi
# the bare reverse-proxy hop (#20 item 2): HAProxy from Debian's packages, installed only when missing
# (its packaged default config listens nowhere; the bench runs its own, on loopback, in the foreground)
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ ! -x "$haproxy" ]; then
  say "installing haproxy (apt-get)"
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -q --no-install-recommends haproxy >&2 || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends haproxy >&2; }
  else
    say "not root: install haproxy (apt-get install haproxy) for the reverse-proxy row"
  fi
fi
classes="$root/bench/target/classes"
if [ ! -d "$classes" ] || [ -n "$(find bench/src -newer "$classes" -print -quit)" ]; then
  say "compiling the load generator"
  rm -rf "$classes"
  mkdir -p "$classes"
  "$JAVA_HOME/bin/javac" --release 21 -d "$classes" $(find bench/src -name '*.java')
  touch "$classes"
fi
rm -rf "$work"
mkdir -p "$work"
# The gateways' data directories (their embedded store, where every audit record is made
# durable): fresh ones under BENCH_DATA_DIR (e.g. a tmpfs, to take the disk out of the
# measurement), by default under target/bench.
data_dir=$(mktemp -d "${BENCH_DATA_DIR:-$work}/portcullis-bench-data.XXXXXX")

# --- start the servers, remember their pids, stop them (and their children) on exit --------
pids=()
stop_all() {
  # the last started first, each given its time before the next: a gateway of the full profile flushes its
  # spans to the sidecar's OTLP sink while it stops (the OpenTelemetry SDK waits up to 10 s for that), so
  # the sink, started before the gateways, must still be there
  local i pid kids
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[$i]}
    kids=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
    kill "$pid" 2>/dev/null || true
    for k in $kids; do kill "$k" 2>/dev/null || true; done
    for _ in $(seq "$stop_wait"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap 'stop_all; rm -f "${busy_file:-}"; [ -n "${BENCH_DATA_DIR:-}" ] && rm -rf "$data_dir" "$data_dir-stdio" "$data_dir-b" "$data_dir-stdio-b"' EXIT
trap 'exit 130' INT TERM

wait_for() { # wait_for <file> <text> <what>
  for _ in $(seq 600); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  say "$3 did not start; its log:"; cat "$1" >&2; exit 1
}

mapfile -t ports < <("$java" -cp "$classes" io.portcullis.bench.FreePort 7)
p_echo=${ports[0]} p_gw=${ports[1]} p_proxy=${ports[2]} p_gw_b=${ports[3]} p_side=${ports[4]} p_hap=${ports[5]} p_sg=${ports[6]}
echo_cmd=("$java" -cp "$jar" io.portcullis.demo.DemoServer --echo)

say "echo upstream over HTTP on 127.0.0.1:$p_echo"
"${prio[@]}" "${echo_cmd[@]}" --http "$p_echo" 2>"$work/echo-http.log" &
pids+=($!)
pid_echo=$!
wait_for "$work/echo-http.log" "listening on" "the echo upstream"

# The gateways otherwise run on their defaults: the whole pipeline (call log, an audit record
# made durable in the embedded store before each answer, catalog, tool switch, result limit,
# argument checks, the shipped default policy) and no identity section (callers are anonymous).
catalog() { # catalog <upstream>... : the catalog entries of the echo tool of each upstream
  echo "catalog:"
  echo "  upstreams:"
  for u in "$@"; do echo "    $u: {owner: bench}"; done
  echo "  tools:"
  for u in "$@"; do echo "    ${u}__echo: {purpose: Benchmark echo., risk: read_only}"; done
}
# BENCH_A_UPSTREAM_YAML: YAML lines for every upstream of the first gateway only (e.g.
# 'breaker: {enabled: false}' and 'retry: {max_attempts: 1}' on two lines, to measure the #14
# protection composition in B against the same build without it in A); marked '# A only' so that
# B's config drops them
a_only() { if [ -n "${BENCH_A_UPSTREAM_YAML:-}" ]; then printf '%s\n' "$BENCH_A_UPSTREAM_YAML" | sed -e 's/^/    /' -e 's/$/  # A only/'; fi; }
credentials=""
if [ "$profile" = full ]; then
  . "$root/bench/full-profile.sh"
  catalog() { full_catalog "$without" "$@"; }
  say "issuer and OTLP sink (bench Sidecar) on 127.0.0.1:$p_side"
  "${prio[@]}" "$java" -cp "$classes" io.portcullis.bench.Sidecar "$p_side" "http://127.0.0.1:$p_gw/mcp" "${BENCH_USERS:-8}" \
    "$work/tokens.txt" 2>"$work/sidecar.log" &
  pids+=($!)
  wait_for "$work/sidecar.log" "listening on" "the bench sidecar"
  credentials="$work/credentials.txt"
fi
# configs <without> <port> <data_dir> <jar> <upstream lines>: the gateway's config, the anonymous
# profile's or the full one's with <without> left out (BENCH_A_WITHOUT, gateway A only)
configs() {
  local without=$1 extra=$5 # (catalog reads $without)
  if [ "$profile" = full ]; then extra=$(full_upstream_lines "$1"; printf '%s' "$5"); fi
  cat <<EOF
# Portcullis in front of the echo upstream twice: over Streamable HTTP and over stdio.
server:
  host: 127.0.0.1
  port: $2
  data_dir: $3
upstreams:
  http:
    url: http://127.0.0.1:$p_echo/mcp
$extra
  stdio:
    command: ["$java", "-cp", "$4", "io.portcullis.demo.DemoServer", "--echo"]
$extra
$(catalog http stdio)
EOF
  if [ "$profile" = full ]; then full_sections "$1"; fi
}
stdio_config() { # stdio_config <without> <data_dir> <jar> <upstream lines>: the stdio ingress's config
  local without=$1 extra=$4 # (catalog reads $without)
  if [ "$profile" = full ]; then extra=$(full_upstream_lines "$1"; printf '%s' "$4"); fi
  cat <<EOF
# Portcullis's stdio ingress in front of the echo upstream over stdio.
server:
  data_dir: $2
upstreams:
  stdio:
    command: ["$java", "-cp", "$3", "io.portcullis.demo.DemoServer", "--echo"]
$extra
$(catalog stdio)
EOF
  if [ "$profile" = full ]; then full_sections "$1"; fi
}
without=${BENCH_A_WITHOUT:-}
configs "$without" "$p_gw" "$data_dir" "$jar" "$(a_only)" >"$work/gateway.yaml"
# BENCH_A_YAML: extra top-level YAML for the first gateway only (e.g. 'egress: {enabled: false}', to measure a
# control in B against the same build without it in A)
if [ -n "${BENCH_A_YAML:-}" ]; then printf '%s\n' "$BENCH_A_YAML" >>"$work/gateway.yaml"; fi
stdio_config "$without" "$data_dir-stdio" "$jar" "$(a_only)" >"$work/gateway-stdio.yaml"
if [ "$profile" = full ]; then
  # API-key callers next to the JWT ones: keys made in A's store before it starts (the CLI opens
  # the store directly then); B gets a copy of that store, so the same keys
  cp "$work/tokens.txt" "$credentials"
  configs "" "$p_gw" "$data_dir" "$jar" "" >"$work/keys.yaml" # A's store, with the identity section even when A leaves it out
  for i in $(seq 1 "${BENCH_KEYS:-4}"); do
    "$java" -jar "$jar" keys create --config "$work/keys.yaml" --role bench-service --env default --expires 1d \
      --name "bench-service-$i" 2>>"$work/keys.log" >>"$credentials"
  done
  if [ -n "$jar_b" ]; then cp -a "$data_dir" "$data_dir-b"; fi
  say "callers: $(wc -l <"$work/tokens.txt") JWT users, ${BENCH_KEYS:-4} API keys"
fi

say "Portcullis on 127.0.0.1:$p_gw (upstreams: echo over HTTP, echo over stdio)"
"${prio[@]}" "$java" --enable-native-access=ALL-UNNAMED ${PORTCULLIS_JAVA_OPTS:-} $(jfr_opts gateway) -jar "$jar" serve --config "$work/gateway.yaml" 2>"$work/portcullis.log" &
pids+=($!)
pid_gw=$!
wait_for "$work/portcullis.log" "Portcullis is listening" "Portcullis"
if grep -q "Upstreams not ready" "$work/portcullis.log"; then say "an upstream is not ready:"; cat "$work/portcullis.log" >&2; exit 1; fi

if [ -n "$jar_b" ]; then # the second build, on the same upstreams, its own data directory
  # B: the same config with nothing left out and no BENCH_A_* lines, its own port and data directory
  configs "" "$p_gw_b" "$data_dir-b" "$jar_b" "" >"$work/gateway-b.yaml"
  stdio_config "" "$data_dir-stdio-b" "$jar_b" "" >"$work/gateway-stdio-b.yaml"
  # BENCH_B_YAML: extra top-level YAML for B only (e.g. 'egress: {enabled: false}' to take a new control out of the comparison)
  if [ -n "${BENCH_B_YAML:-}" ]; then printf '%s\n' "$BENCH_B_YAML" | tee -a "$work/gateway-b.yaml" >>"$work/gateway-stdio-b.yaml"; fi
  say "Portcullis B ($jar_b) on 127.0.0.1:$p_gw_b"
  "${prio[@]}" "$java" --enable-native-access=ALL-UNNAMED ${PORTCULLIS_JAVA_OPTS:-} $(jfr_opts gateway-b) -jar "$jar_b" serve --config "$work/gateway-b.yaml" 2>"$work/portcullis-b.log" &
  pids+=($!)
  pid_gw_b=$!
  wait_for "$work/portcullis-b.log" "Portcullis is listening" "Portcullis B"
fi

say "mcp-proxy on 127.0.0.1:$p_proxy (echo upstream over stdio)"
PATH="$root/node_modules/.bin:$PATH" "${prio[@]}" node_modules/.bin/mcp-proxy --host 127.0.0.1 --port "$p_proxy" --server stream \
  -- "${echo_cmd[@]}" >"$work/mcp-proxy.log" 2>&1 &
pids+=($!)
pid_proxy=$!
wait_for "$work/mcp-proxy.log" "starting server on port" "mcp-proxy"
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p_proxy/mcp" && break; sleep 0.1; done

# supergateway (#20 item 2), the other npm proxy users pick: stateful Streamable HTTP (its stateless
# mode starts a new stdio child per POST), so one echo child per session
say "supergateway on 127.0.0.1:$p_sg (echo upstream over stdio, --stateful)"
PATH="$root/node_modules/.bin:$PATH" "${prio[@]}" node_modules/.bin/supergateway --stdio "${echo_cmd[*]}" \
  --outputTransport streamableHttp --stateful --port "$p_sg" --logLevel none >"$work/supergateway.log" 2>&1 &
pids+=($!)
pid_sg=$!
for _ in $(seq 300); do curl -s -o /dev/null "http://127.0.0.1:$p_sg/mcp" && break; sleep 0.1; done

# the bare reverse-proxy hop (#20 item 2): HAProxy in front of the same echo upstream, no governance;
# HTTP mode, keep-alive both ways, foreground (-db) so that it is stopped by its pid
pid_hap=""
if [ -x "$haproxy" ]; then
  cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 4096
  nbthread 2
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend bench
  bind 127.0.0.1:$p_hap
  default_backend echo
backend echo
  http-reuse always
  server echo 127.0.0.1:$p_echo
EOF
  say "haproxy on 127.0.0.1:$p_hap (in front of the echo upstream over HTTP)"
  "${prio[@]}" "$haproxy" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
  pids+=($!)
  pid_hap=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p_hap/" && break; sleep 0.1; done
fi

# --- the targets ----------------------------------------------------------------------------
# Tab-separated: name, role, baseline, peer, kind, tool, the pids whose CPU (with descendants)
# counts for the target ("-": the stdio targets the load generator launches itself), address.
row() { local IFS=$'\t'; echo "$*"; }
{
  row http-direct direct - - http-plain echo "$pid_echo" "http://127.0.0.1:$p_echo/mcp"
  if [ -n "$pid_hap" ]; then row haproxy-http peer http-direct - http-plain echo "$pid_hap,$pid_echo" "http://127.0.0.1:$p_hap/mcp"; fi
  row portcullis-http-legacy portcullis http-direct - http-legacy http__echo "$pid_gw,$pid_echo" "http://127.0.0.1:$p_gw/mcp"
  row portcullis-http-modern portcullis http-direct - http-modern http__echo "$pid_gw,$pid_echo" "http://127.0.0.1:$p_gw/mcp"
  row stdio-direct direct - - stdio echo - "${echo_cmd[@]}"
  row portcullis-stdio-stdio portcullis stdio-direct - stdio stdio__echo - \
    "$java" --enable-native-access=ALL-UNNAMED -jar "$jar" stdio --config "$work/gateway-stdio.yaml"
  row portcullis-http-stdio-legacy portcullis stdio-direct mcp-proxy-legacy http-legacy stdio__echo "$pid_gw" "http://127.0.0.1:$p_gw/mcp"
  row portcullis-http-stdio-modern portcullis stdio-direct mcp-proxy-modern http-modern stdio__echo "$pid_gw" "http://127.0.0.1:$p_gw/mcp"
  row mcp-proxy-legacy peer stdio-direct - http-legacy echo "$pid_proxy" "http://127.0.0.1:$p_proxy/mcp"
  row mcp-proxy-modern peer stdio-direct - http-modern echo "$pid_proxy" "http://127.0.0.1:$p_proxy/mcp"
  row supergateway-legacy peer stdio-direct - http-legacy echo "$pid_sg" "http://127.0.0.1:$p_sg/mcp"
  if [ -n "$jar_b" ]; then
    row B-portcullis-http-legacy compare portcullis-http-legacy - http-legacy http__echo "$pid_gw_b,$pid_echo" "http://127.0.0.1:$p_gw_b/mcp"
    row B-portcullis-http-modern compare portcullis-http-modern - http-modern http__echo "$pid_gw_b,$pid_echo" "http://127.0.0.1:$p_gw_b/mcp"
    row B-portcullis-stdio-stdio compare portcullis-stdio-stdio - stdio stdio__echo - \
      "$java" --enable-native-access=ALL-UNNAMED -jar "$jar_b" stdio --config "$work/gateway-stdio-b.yaml"
    row B-portcullis-http-stdio-legacy compare portcullis-http-stdio-legacy - http-legacy stdio__echo "$pid_gw_b" "http://127.0.0.1:$p_gw_b/mcp"
  fi
} >"$work/targets.tsv"

{
  echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr)"
  echo "- JDK: $("$java" -version 2>&1 | head -1); Node (mcp-proxy): $(node_modules/.bin/node --version); mcp-proxy $(node -p 'require("./node_modules/mcp-proxy/package.json").version'); supergateway $(node -p 'require("./node_modules/supergateway/package.json").version'); $("$haproxy" -v 2>/dev/null | head -1 | cut -d' ' -f1-3)"
  if [ "$profile" = full ]; then
    echo "- profile: full (bench/full-profile.sh): $(wc -l <"$work/tokens.txt") JWT users + ${BENCH_KEYS:-4} API keys, catalog constraints, 200 policy rules, egress + conversation + chain rules, rate limits $( [ "${BENCH_REDIS:-0}" = 1 ] && echo on Redis || echo in process), breakers, tracing at 1% to a local OTLP sink, durable audit; left out of A: ${BENCH_A_WITHOUT:-nothing}"
  else
    echo "- profile: anonymous (no identity section, the shipped defaults)"
  fi
  echo "- load average before: $(cut -d' ' -f1-3 /proc/loadavg)$( [ -r /proc/pressure/cpu ] && echo "; CPU pressure (share of time some task waited for a CPU, avg60): $(awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu)"); priority: ${prio[*]:-normal}"
  if [ -n "${BENCH_A_YAML:-}${BENCH_B_YAML:-}${BENCH_MESSAGE_BYTES:-}${BENCH_A_UPSTREAM_YAML:-}" ]; then
    echo "- settings: BENCH_A_YAML='${BENCH_A_YAML:-}' BENCH_B_YAML='${BENCH_B_YAML:-}' BENCH_A_UPSTREAM_YAML='${BENCH_A_UPSTREAM_YAML:-}' BENCH_MESSAGE_BYTES=${BENCH_MESSAGE_BYTES:-0} (the echoed message, so the result, in bytes)"
  fi
  echo "- command: bench/run.sh (rates $rates calls/s, $seconds s per target per rate in $rounds rounds, after a $warmup s warm-up; peak: $concurrency callers, $peak_seconds s after $peak_warmup s uncounted)"
  if [ "$order" = alternate ]; then
    echo "- order: alternate (BENCH_ORDER): each target and its baseline alone, slices of $slice_seconds s in the order A B B A ..., each after a $settle_seconds s gap; the slices are in target/bench/slices.tsv${limit_ms:+; limit on the added p50: $limit_ms ms}"
  fi
  echo
} >"$work/results.md"

n_rates=$(tr ',' '\n' <<<"$rates" | wc -l)
n_targets=$(if [ -n "${BENCH_ONLY:-}" ]; then tr ',' '\n' <<<"$BENCH_ONLY" | wc -l; else wc -l <"$work/targets.tsv"; fi)
# the rows measured with a baseline (about all but the two direct ones); alternate: each side alone, so twice the time
n_fixed=$(( n_targets > 2 ? n_targets - 2 : 1 ))
if [ "$order" = alternate ]; then n_fixed=$(( 2 * n_fixed + 1 )); fi
estimate=$(( n_targets * (warmup + peak_seconds + peak_warmup + 1) + n_fixed * n_rates * seconds )) # seconds of measuring
# BENCH_BUSY_DISK=1: a disk writer next to the gateways' data directory for the whole measurement (#20 item 3)
busy_note=""
if [ "${BENCH_BUSY_DISK:-0}" = 1 ]; then
  # the disk's own floor: one record-sized write + fdatasync after the other for 10 s, quiet and then busy
  echo "- the data directory's disk, quiet: $("$java" -cp "$classes" io.portcullis.bench.FsyncProbe "$(dirname "$data_dir")" 10) ms (bench FsyncProbe: 1,500-byte appends, each flushed before the next)" >>"$work/results.md"
  busy_file="$(dirname "$data_dir")/busy-disk.bin"
  busy_seconds=$(( estimate + 600 ))
  # timeout bounds it in time; stop_all stops it by its PID (timeout passes the signal on to the loop)
  # (the loop stops its current dd by that dd's PID when it is told to stop)
  timeout "$busy_seconds" sh -c "trap 'kill \$w 2>/dev/null; exit 0' TERM; while :; do dd if=/dev/zero of='$busy_file' bs=1M count=64 conv=fsync status=none & w=\$!; wait \$w; done" &
  pids+=($!)
  for _ in $(seq 300); do [ -s "$busy_file" ] && break; sleep 0.1; done
  echo "- the same disk, busy: $("$java" -cp "$classes" io.portcullis.bench.FsyncProbe "$(dirname "$data_dir")" 10) ms" >>"$work/results.md"
  busy_note="busy disk: dd writing and fsyncing 64 MiB again and again to $busy_file ($(df --output=source "$(dirname "$data_dir")" | tail -1)), the data directory's disk, through the whole measurement"
  say "$busy_note"
  echo "- $busy_note" >>"$work/results.md"
fi
say "measuring for about $(( estimate / 60 + 1 )) minutes"
# the gateways whose per-control times (their own /metrics, read with the local admin token of admin.local)
# are reported for the fixed-rate rounds: A (every portcullis-http-* target) and B when there is one
metrics_dirs="A=$data_dir${jar_b:+,B=$data_dir-b}"
"${prio[@]}" "$java" -Xms256m -Dbench.message.bytes="${BENCH_MESSAGE_BYTES:-0}" -cp "$classes" io.portcullis.bench.Bench --targets "$work/targets.tsv" --rates "$rates" \
  --seconds "$seconds" --warmup "$warmup" --peak-seconds "$peak_seconds" --peak-warmup "$peak_warmup" --concurrency "$concurrency" --rounds "$rounds" \
  --target-rate "${rates##*,}" --logs "$work" --out "$work/table.md" ${BENCH_ONLY:+--only "$BENCH_ONLY"} \
  ${credentials:+--credentials "$credentials"} --metrics "$metrics_dirs" \
  --order "$order" --slice-seconds "$slice_seconds" --settle-seconds "$settle_seconds" ${limit_ms:+--limit-ms "$limit_ms"} >/dev/null

cat "$work/table.md" >>"$work/results.md"
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)$( [ -r /proc/pressure/cpu ] && echo "; CPU pressure avg60: $(awk '/^some/ {sub("avg60=", "", $3); print $3 "%"}' /proc/pressure/cpu)")" >>"$work/results.md"
cat "$work/results.md"
say "report: $work/results.md; server logs in $work"
