#!/usr/bin/env bash
# A CPU flame graph (HTML, self-contained, opens in any browser) of a Java Flight Recording, with
# async-profiler's converter (tools.profiler:jfr-converter from Maven Central; a test-scope
# dependency of the project, so `mvn` has put it in the local repository).
#
#   BENCH_JFR=target/jfr bench/run.sh                 # records target/jfr/gateway.jfr (and gateway-b.jfr)
#   bench/flame.sh target/jfr/gateway.jfr target/jfr/gateway.html "Portcullis, anonymous profile"
#
# Only the gateway's own threads' samples that run a call are kept by default (FLAME_INCLUDE, a
# regex of frames; empty keeps every sample).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ $# -ge 2 ] || { echo "usage: bench/flame.sh RECORDING.jfr OUT.html [TITLE]" >&2; exit 2; }
in=$1 out=$2 title=${3:-$(basename "$1" .jfr)}
# the converter writes the title into the page as it is: keep it to text (no markup)
title=$(printf '%s' "$title" | tr -d '<>&"'"'"'\\')
[ -f "$in" ] || { echo "bench/flame.sh: no such recording: $in" >&2; exit 2; }
. "$root/scripts/jdk.sh"
java="$JAVA_HOME/bin/java"
version=4.5
repo=${MAVEN_REPO:-$HOME/.m2/repository}
conv="$repo/tools/profiler/jfr-converter/$version/jfr-converter-$version.jar"
if [ ! -f "$conv" ]; then
  (cd "$root" && mvn -q -B dependency:get -Dartifact=tools.profiler:jfr-converter:$version -Dtransitive=false >&2)
fi
args=(--dot --title "$title") # the default event: jdk.ExecutionSample (4.5's --cpu found none in a JDK 25 recording)
if [ -n "${FLAME_INCLUDE-io[./]portcullis}" ]; then args+=(--include ".*(${FLAME_INCLUDE-io[./]portcullis}).*"); fi
"$java" -jar "$conv" "${args[@]}" "$in" "$out"
echo "bench/flame.sh: $out"
