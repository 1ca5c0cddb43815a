# Sourced by ./portcullis and ./run-tests: finds a JDK 21+ and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 21+, then the newest JDK under /usr/lib/jvm, then `java` on PATH.
java_major() { "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'; }

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && [ "$(java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_major=0 d m
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -x "$d/bin/javac" ] || continue
    m=$(java_major "$d")
    [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ] && { best="$d"; best_major="$m"; }
  done
  if [ -n "$best" ]; then echo "$best"; return 0; fi
  if command -v javac >/dev/null 2>&1; then
    d=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    m=$(java_major "$d")
    [ -n "$m" ] && [ "$m" -ge 21 ] && { echo "$d"; return 0; }
  fi
  return 1
}

if ! JAVA_HOME=$(find_jdk); then
  echo "portcullis: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm, PATH). Install one, e.g. 'apt-get install openjdk-21-jdk'." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
