# Sourced by the module benchmark scripts (producers/bench.sh, worker/scripts/bench-envelopes.sh):
# run_test_main <module> <main class> [args...] compiles <module> and what it needs inside the
# reactor (never installs), writes its test classpath to <module>/target/test-classpath.txt and
# runs the main from the test classes. Benchmarks live under src/test, so they see test-scoped
# dependencies (the local emulators in pipes, JMH). Call it from the repository root.
. "$(dirname "${BASH_SOURCE[0]}")/jdk21.sh"
run_test_main() {
  local module=$1 main=$2; shift 2
  ./mvnw -q -B -ntp -pl "$module" -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt >&2
  exec java --enable-native-access=ALL-UNNAMED \
    -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/test-classpath.txt")" "$main" "$@"
}
