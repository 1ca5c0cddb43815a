# Sourced (not run) by bench/cluster.sh and bench/scale.sh: the steps they share. Needs $root,
# $JAVA_HOME and a say() of the caller's; changes nothing until a function is called.

# bench_compile_loadgen <classes dir>: compiles the load generator (bench/src) when it is newer.
bench_compile_loadgen() {
  local classes=$1
  if [ ! -d "$classes" ] || [ -n "$(find "$root/bench/src" -newer "$classes" -print -quit)" ]; then
    say "compiling the load generator"
    rm -rf "$classes"; mkdir -p "$classes"
    "$JAVA_HOME/bin/javac" --release 21 -d "$classes" $(find "$root/bench/src" -name '*.java')
    touch "$classes"
  fi
}

# bench_stop <tenths> <pid>...: SIGTERM to each pid, up to <tenths> x 0.1 s for each to end, then SIGKILL.
bench_stop() {
  local tenths=$1 pid; shift
  for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}

# bench_wait_for <tenths> <file> <text> <what>: waits up to <tenths> x 0.1 s for <text> in <file>;
# else prints the log and exits 1.
bench_wait_for() {
  local tenths=$1; shift
  for _ in $(seq "$tenths"); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  say "$3 did not start; its log:"; cat "$1" >&2; exit 1
}
