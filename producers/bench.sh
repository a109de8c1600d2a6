#!/usr/bin/env bash
# Runs a benchmark main from src/test/java/io/pipekit/producers/bench (not part of the test suite).
#   producers/bench.sh RateLimiterBench [seconds]
#   producers/bench.sh KinesisThroughputBench [records-per-run] [rounds] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
bench=$1; shift
./mvnw -q -B -ntp -pl producers -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test >/dev/null
cp="producers/target/test-classes:producers/target/classes:$(cat producers/target/test.classpath)"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -cp "$cp" "io.pipekit.producers.bench.$bench" "$@"
