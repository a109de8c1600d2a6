#!/usr/bin/env bash
# Envelope decode benchmark (JMH): decode throughput per kind beside a bare Jackson readTree.
# Usage: worker/scripts/bench-envelopes.sh [rounds=3] [measured iterations per method and round=4] [fixture,fixture...]
# Builds in the reactor (never installs), then runs JMH from the test classpath so its fork works.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -B -ntp -pl worker -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
exec "$JAVA_HOME/bin/java" -cp "worker/target/test-classes:worker/target/classes:$(cat worker/target/bench-classpath.txt)" \
    io.pipekit.worker.envelope.bench.EnvelopeBench "$@"
