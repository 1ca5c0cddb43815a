#!/usr/bin/env bash
# Two commits side by side on this machine, in one run: builds each commit's jar in a temporary
# worktree, runs bench/run.sh with both (BENCH_JAR, BENCH_JAR_B), and prints B against A: at each
# fixed rate the p50/p99 that B adds over A measured at the same moments, and at peak the ratio of
# calls/s and of CPU per call. Wall-clock numbers on a shared 2-core machine move 2-3x between runs;
# only ratios from one run count (see bench/README.md).
#
#   bench/compare.sh A B            # e.g. bench/compare.sh main~5 HEAD
#   BENCH_RATES=1000 BENCH_SECONDS=8 bench/compare.sh A B
#   BENCH_PROFILE=full bench/compare.sh A B     # both with every control on (#20 items 1 and 5)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
[ $# -eq 2 ] || { echo "usage: bench/compare.sh COMMIT_A COMMIT_B" >&2; exit 2; }
out="$root/target/compare"
rm -rf "$out"; mkdir -p "$out"
trees=()
cleanup() { for t in "${trees[@]}"; do git worktree remove --force "$t" >/dev/null 2>&1 || true; done; }
trap cleanup EXIT
build() { # build <commit> <label>: the jar of that commit, as target/compare/<label>.jar
  local sha tree
  sha=$(git rev-parse --verify "$1^{commit}") || { echo "not a commit: $1" >&2; exit 2; }
  tree=$(mktemp -d "$out/tree-$2.XXXXXX")
  git worktree add --detach "$tree" "$sha" >/dev/null
  trees+=("$tree")
  echo "[compare] building $2 = $1 ($sha)" >&2
  (cd "$tree" && mvn -q -B -o -DskipTests -Dmaven.test.skip=true package >&2 || mvn -q -B -DskipTests -Dmaven.test.skip=true package >&2)
  cp "$tree"/target/portcullis-*.jar "$out/$2.jar"
  echo "$sha" >"$out/$2.sha"
}
build "$1" A
build "$2" B
BENCH_JAR="$out/A.jar" BENCH_JAR_B="$out/B.jar" bench/run.sh >"$out/results.md"
{
  echo "## B against A, one run ($(date -u '+%Y-%m-%d %H:%M UTC'))"
  echo
  echo "- A = $1 ($(cat "$out/A.sha")), B = $2 ($(cat "$out/B.sha"))"
  echo
  echo "| row | offered/s | A p50 ms | B p50 ms | B/A p50 | B adds p50 ms | B adds p99 ms | B adds CPU µs/call |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  # fixed-rate rows: | name | offered | achieved | p50 | p99 | added p50 | added p99 | vs | worst | added cpu | errors |
  awk -F'|' '
    function t(x) { gsub(/^ +| +$/, "", x); return x }
    function ratio(x, y) { return (x + 0 > 0 && y + 0 > 0) ? sprintf("%.2f", x / y) : "n/a" }
    /^### Latency/ { fixed=1; next }
    /^### / { fixed=0 }
    fixed && /^\| [^|]+ \| [0-9]+ \| [0-9.]+/ { n=t($2); r=t($3); p50[n "@" r]=t($5); a50[n "@" r]=t($7); a99[n "@" r]=t($8); cpu[n "@" r]=t($11)
      if (n ~ /^B-/) order[++k]=n "@" r }
    END { for (i=1; i<=k; i++) { key=order[i]; split(key, nr, "@"); a=substr(nr[1], 3) "@" nr[2]
      printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", substr(nr[1], 3), nr[2], p50[a], p50[key], ratio(p50[key], p50[a]), a50[key], a99[key], cpu[key] } }
  ' "$out/results.md"
  echo
  echo "| row | A peak calls/s | B peak calls/s | B/A calls/s | A CPU µs/call | B CPU µs/call | B/A CPU |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  # peak rows: | name | peak | p50 | p99 | cpu | errors | vs peer |
  awk -F'|' '
    function t(x) { gsub(/^ +| +$/, "", x); return x }
    function ratio(x, y) { return (x + 0 > 0 && y + 0 > 0) ? sprintf("%.2f", x / y) : "n/a" }
    /^### Peak/ { peak=1; next }
    /^### / { peak=0 }
    peak && /^\| [^|]+ \| [0-9]+ \|/ { n=t($2); calls[n]=t($3); cpu[n]=t($6); if (n ~ /^B-/) order[++k]=n }
    END { for (i=1; i<=k; i++) { b=order[i]; a=substr(b, 3)
      printf "| %s | %s | %s | %s | %s | %s | %s |\n", a, calls[a], calls[b], ratio(calls[b], calls[a]), cpu[a], cpu[b], ratio(cpu[b], cpu[a]) } }
  ' "$out/results.md"
  echo
  grep -E '^- (machine|load average|JDK|profile)' "$out/results.md" || true
} | tee "$out/compare.md"
echo "[compare] full report: $out/results.md; summary: $out/compare.md" >&2
