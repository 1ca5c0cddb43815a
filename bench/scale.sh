#!/usr/bin/env bash
# Scale with size (#20 item 4): does the p50 of a call move when the gateway is big? Four gateways
# run side by side on the same echo upstream: "small" (one upstream, one tool, the default policy:
# the baseline) and three big ones, each measured at the same moments as "small":
#   scale-tools      1,000 tools in the catalog (an upstream listing 999 + the echo) x 200 policy rules; it calls
#                    http__echo on the same echo upstream as small, and a ninth of the per-tool rules are on it
#   scale-sessions   10,000 open legacy sessions held (memory per session measured: heap after GC)
#   scale-upstreams  100 upstreams (HTTP, all on the one echo server: the gateway's cost, not 100 JVMs')
# Everything listens on 127.0.0.1 and is stopped on exit. See bench/README.md ("Scale with size").
#
#   bench/scale.sh                       # ~9 minutes; report on stdout and in target/bench-scale/results.md
# By default (BENCH_ORDER=alternate) each big gateway and small are offered the rate alone, in alternating
# 0.5 s slices (A B B A ...), and "within 10%" is decided on the paired differences' 95% interval;
#   BENCH_ORDER=together bench/scale.sh   # each big gateway at the same moments as small (the old order: a ratio of p50s)
#   BENCH_GATEWAY_WARMUP=0 bench/scale.sh # no equal warm-up first (small is then warmed with every row, each big one once)
# Before measuring, every gateway is driven directly in a closed loop for BENCH_GATEWAY_WARMUP seconds (default 60:
# a gateway's JIT settles after about 45 s at peak, the 1,000-tool one later than small), one after the other, so
# that each is as warm as small, which is otherwise warmed again with every row.
#   SCALE_SESSIONS=2000 SCALE_TOOLS=200 SCALE_UPSTREAMS=20 SCALE_RULES=40 BENCH_SECONDS=2 BENCH_ROUNDS=2 BENCH_WARMUP=2 bench/scale.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
. bench/lib.sh
java="$JAVA_HOME/bin/java"
jar="${BENCH_JAR:-$root/target/portcullis-0.1.0-SNAPSHOT.jar}"
work="$root/target/bench-scale"
rate=${BENCH_RATES:-500}
seconds=${BENCH_SECONDS:-24}
rounds=${BENCH_ROUNDS:-2}
warmup=${BENCH_WARMUP:-10}
gateway_warmup=${BENCH_GATEWAY_WARMUP:-60}
n_tools=${SCALE_TOOLS:-1000}
n_rules=${SCALE_RULES:-200}
n_sessions=${SCALE_SESSIONS:-10000}
n_upstreams=${SCALE_UPSTREAMS:-100}
say() { echo "[scale] $*" >&2; }

if [ -z "${BENCH_JAR:-}" ] && { [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; }; then
  say "building the Portcullis jar"
  mvn -q -B -DskipTests -Dmaven.test.skip=true package >&2
fi
classes="$root/bench/target/classes"
bench_compile_loadgen "$classes"
rm -rf "$work"; mkdir -p "$work"

pids=()
stop_all() {
  bench_stop 50 "${pids[@]}"
}
trap stop_all EXIT
trap 'exit 130' INT TERM
wait_for() { bench_wait_for 900 "$@"; } # wait_for <file> <text> <what>
heap_kb() { # heap used after a full GC, in KB, of a JVM by pid
  "$JAVA_HOME/bin/jcmd" "$1" GC.run >/dev/null
  "$JAVA_HOME/bin/jcmd" "$1" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9
}

mapfile -t ports < <("$java" -cp "$classes" io.portcullis.bench.FreePort 6)
p_echo=${ports[0]} p_many=${ports[1]} p_small=${ports[2]} p_tools=${ports[3]} p_sessions=${ports[4]} p_upstreams=${ports[5]}

say "echo upstream on $p_echo; an upstream of $((n_tools - 1)) tools (echo and $((n_tools - 2)) more) on $p_many"
"$java" -cp "$jar" io.portcullis.demo.DemoServer --echo --http "$p_echo" 2>"$work/echo.log" & pids+=($!); pid_echo=$!
"$java" -cp "$jar" io.portcullis.demo.DemoServer --echo --tools $((n_tools - 2)) --http "$p_many" 2>"$work/many.log" & pids+=($!); pid_many=$!
wait_for "$work/echo.log" "listening on" "the echo upstream"
wait_for "$work/many.log" "listening on" "the many-tools upstream"

header() { printf 'server: {host: 127.0.0.1, port: %s, data_dir: %s, max_sessions: %s}\n' "$1" "$work/data-$2" $((n_sessions * 2)); }
{ # small: the baseline
  header "$p_small" small
  echo "upstreams: {http: {url: \"http://127.0.0.1:$p_echo/mcp\"}}"
  echo "catalog: {upstreams: {http: {owner: bench}}, tools: {http__echo: {purpose: Benchmark echo., risk: read_only}}}"
} >"$work/small.yaml"
sed -e "s/port: $p_small/port: $p_sessions/" -e "s|data-small|data-sessions|" "$work/small.yaml" >"$work/sessions.yaml"
{ # 1,000 tools x 200 rules
  header "$p_tools" tools
  echo "upstreams:"
  echo "  http: {url: \"http://127.0.0.1:$p_echo/mcp\"}"
  echo "  many: {url: \"http://127.0.0.1:$p_many/mcp\"}"
  echo "catalog:"
  echo "  upstreams: {http: {owner: bench}, many: {owner: bench}}"
  echo "  tools:"
  echo "    http__echo: {purpose: Benchmark echo., risk: read_only}"
  echo "    many__echo: {purpose: Benchmark echo., risk: read_only}"
  for i in $(seq 1 $((n_tools - 2))); do printf '    many__tool%04d: {purpose: One of many echo tools., risk: read_only}\n' "$i"; done
  echo "policy:"
  echo "  rules:"
  echo "    - {id: read-only-anywhere, effect: allow, when: 'tool.risk == \"read_only\"'}"
  # the others: per-tool argument rules (most), and generic ones every call meets; none matches a bench call
  for i in $(seq 1 $((n_rules - 1))); do
    if [ $((i % 10)) -eq 0 ]; then
      printf '    - {id: generic-%d, effect: deny, when: '"'"'has(args.path) && args.path.contains("../%d")'"'"'}\n' "$i" "$i"
    else
      # every 9th per-tool rule is on the tool the row calls (http__echo, on the same echo upstream as small,
      # so that the row differs from small only in the gateway's catalog and policy); the rest on many__toolNNNN
      if [ $((i % 9)) -eq 1 ]; then target=http__echo; else target=$(printf 'many__tool%04d' $(( (i * 7) % (n_tools - 2) + 1 ))); fi
      printf '    - {id: tool-%d, effect: deny, when: '"'"'tool.name == "%s" && args.message == "forbidden-%d"'"'"'}\n' "$i" "$target" "$i"
    fi
  done
} >"$work/tools.yaml"
{ # 100 upstreams
  header "$p_upstreams" upstreams
  echo "upstreams:"
  for i in $(seq 1 "$n_upstreams"); do printf '  u%03d: {url: "http://127.0.0.1:%s/mcp"}\n' "$i" "$p_echo"; done
  echo "catalog:"
  echo "  upstreams:"
  for i in $(seq 1 "$n_upstreams"); do printf '    u%03d: {owner: bench}\n' "$i"; done
  echo "  tools:"
  for i in $(seq 1 "$n_upstreams"); do printf '    u%03d__echo: {purpose: Benchmark echo., risk: read_only}\n' "$i"; done
} >"$work/upstreams.yaml"

declare -A gw_pid
for g in small tools sessions upstreams; do
  "$java" --enable-native-access=ALL-UNNAMED ${PORTCULLIS_JAVA_OPTS:-} -jar "$jar" serve --config "$work/$g.yaml" 2>"$work/$g.log" &
  pids+=($!); gw_pid[$g]=$!
done
for g in small tools sessions upstreams; do wait_for "$work/$g.log" "Portcullis is listening" "Portcullis ($g)"; done
declare -A n_up=([small]=1 [tools]=2 [sessions]=1 [upstreams]=$n_upstreams)
for g in small tools sessions upstreams; do # every upstream ready (on a busy machine some come after "listening")
  for _ in $(seq 1200); do [ "$(grep -c 'INFO  Upstream upstream .* ready:' "$work/$g.log")" -ge "${n_up[$g]}" ] && break; sleep 0.1; done
  if [ "$(grep -c 'INFO  Upstream upstream .* ready:' "$work/$g.log")" -lt "${n_up[$g]}" ]; then
    say "$g: not every upstream is ready"; cat "$work/$g.log" >&2; exit 1
  fi
done

say "opening $n_sessions sessions on scale-sessions"
before=$(heap_kb "${gw_pid[sessions]}")
opened=$("$java" -cp "$classes" io.portcullis.bench.OpenSessions "http://127.0.0.1:$p_sessions/mcp" "$n_sessions" 8)
after=$(heap_kb "${gw_pid[sessions]}")
per_session=$(( (after - before) * 1024 / n_sessions ))
if [ "$per_session" -gt 0 ]; then
  per_session_text="about $per_session bytes per open session"
else # a few hundred sessions can weigh less than what one GC frees or keeps by chance
  per_session_text="not measurable at this size (the heap after GC moved by $(( after - before )) KB; open more sessions)"
fi
say "$opened; heap after GC $before KB -> $after KB: $per_session_text"

row() { local IFS=$'\t'; echo "$*"; }
{
  row small direct - - http-legacy http__echo "${gw_pid[small]},$pid_echo" "http://127.0.0.1:$p_small/mcp"
  row scale-tools compare small - http-legacy http__echo "${gw_pid[tools]},$pid_echo" "http://127.0.0.1:$p_tools/mcp"
  row scale-sessions compare small - http-legacy http__echo "${gw_pid[sessions]},$pid_echo" "http://127.0.0.1:$p_sessions/mcp"
  row scale-upstreams compare small - http-legacy "$(printf 'u%03d__echo' $(( (n_upstreams + 1) / 2 )))" "${gw_pid[upstreams]},$pid_echo" "http://127.0.0.1:$p_upstreams/mcp"
} >"$work/targets.tsv"

if [ "$gateway_warmup" != 0 ]; then # every gateway the same JIT warm-up (small is otherwise warmed with each row)
  awk -F'\t' -v OFS='\t' '{$2="portcullis"; $3="-"; print}' "$work/targets.tsv" >"$work/gateway-warmup.tsv"
  say "warming up each gateway: ${gateway_warmup} s of closed loop each"
  "$java" -Xms256m -cp "$classes" io.portcullis.bench.Bench --targets "$work/gateway-warmup.tsv" --warmup "$gateway_warmup" \
    --concurrency "${BENCH_CONCURRENCY:-32}" --logs "$work" --warmup-only true >/dev/null
fi

say "measuring at $rate calls/s: $rounds rounds of $seconds s per target, after $warmup s warm-up each"
"$java" -Xms256m -cp "$classes" io.portcullis.bench.Bench --targets "$work/targets.tsv" --rates "$rate" --seconds "$seconds" \
  --warmup "$warmup" --rounds "$rounds" --peak-seconds 1 --peak-warmup 0 --target-rate "$rate" --logs "$work" --out "$work/table.md" \
  --order "${BENCH_ORDER:-alternate}" --slice-seconds "${BENCH_SLICE_SECONDS:-0.5}" --settle-seconds "${BENCH_SETTLE_SECONDS:-0.2}" \
  ${BENCH_LIMIT_MS:+--limit-ms "$BENCH_LIMIT_MS"} \
  --metrics "small=$work/data-small,scale-tools=$work/data-tools,scale-sessions=$work/data-sessions,scale-upstreams=$work/data-upstreams" >/dev/null

{
  echo "## Scale run of $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; JDK: $("$java" -version 2>&1 | head -1)"
  echo "- command: bench/scale.sh ($rate calls/s offered, $rounds rounds of $seconds s, order ${BENCH_ORDER:-alternate}, each gateway first warmed for $gateway_warmup s, tools $n_tools, rules $n_rules, sessions $n_sessions, upstreams $n_upstreams)"
  echo "- sessions: $opened; heap used after GC $before KB before, $after KB after: **$per_session_text**"
  echo
  echo "| target | p50 ms | small's p50 ms (same rounds) | added p50 ms | p50 ratio | paired added p50 ms, median (95% CI) | within 10% |"
  echo "|---|---:|---:|---:|---:|---|---|"
  # the latency table's rows (| name | offered | achieved | p50 | p99 | added p50 | ...) and, in the alternate order,
  # the paired slices' rows (| name | vs | offered | pairs | median added p50 | CI | ...); each read in its own section
  awk -F'|' '/^### /{sec=($0 ~ /^### Latency/) ? "lat" : ($0 ~ /^### Paired/) ? "pair" : ""}
    sec == "lat" && NF >= 12 && /^\| small /{gsub(/ /,"",$5); base=$5; if ($4 ~ /saturated/) sat["small"]=1}
    sec == "lat" && NF >= 12 && /^\| scale-/{name=$2; gsub(/ /,"",name); p50=$5; gsub(/ /,"",p50); add=$7; gsub(/ /,"",add); rows[name]=p50 "|" add; if ($4 ~ /saturated/) sat[name]=1}
    sec == "pair" && NF >= 12 && /^\| scale-/{name=$2; gsub(/ /,"",name); med=$6; gsub(/ /,"",med); ci=$7; sub(/^ +/,"",ci); sub(/ +$/,"",ci);
      hi=ci; sub(/ \(.*$/,"",hi); sub(/^.*\.\. */,"",hi); pmed[name]=med; pci[name]=ci; phi[name]=hi}
    END {for (n in rows) {split(rows[n], v, "|");
      if (v[1] !~ /^[0-9.]+$/ || v[2] !~ /^[-+0-9.]+$/ || base + 0 <= 0) {printf "| %s | %s | %s | %s | n/a | | no (calls failed) |\n", n, v[1], base, v[2]; continue}
      ratio=v[1]/base; # the p50 of the row over the p50 of small: both medians, never negative (the paired added column can be)
      paired=(n in pmed) ? pmed[n] " (" pci[n] ")" : "";
      # alternate order: within 10% when the paired interval upper end is at most 10% of small p50; else by the ratio
      ok=(n in phi) ? (phi[n] + 0 <= 0.10 * base) : (ratio <= 1.10);
      verdict=(sat[n] || sat["small"]) ? "no verdict: saturated (the machine did not keep up with the offered rate; lower BENCH_RATES)" : (ok ? "yes" : "no");
      if ((n in phi) && phi[n] !~ /^[-+0-9.]+$/) verdict="no verdict: too few pairs for a 95% interval (raise BENCH_SECONDS)";
      printf "| %s | %s | %s | %s | %.2f | %s | %s |\n", n, v[1], base, v[2], ratio, paired, verdict}}' "$work/table.md" | sort
  echo
  cat "$work/table.md"
} >"$work/results.md"
cat "$work/results.md"
say "report: $work/results.md; logs in $work"
