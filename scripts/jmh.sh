#!/usr/bin/env bash
# Runs JMH micro-benchmarks from the test sources, e.g. scripts/jmh.sh TokenVerificationBenchmark
# (extra arguments go to JMH: -f 1 -wi 3 -i 5 ...). Never part of ./run-tests.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
. scripts/jdk.sh
mvn -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh.classpath >&2
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "target/test-classes:target/classes:$(cat target/jmh.classpath)" \
  org.openjdk.jmh.Main "$@"
