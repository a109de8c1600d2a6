#!/usr/bin/env bash
# Runs a benchmark main from src/test/java/io/pipekit/producers/bench (not part of the test suite).
#   producers/bench.sh RateLimiterBench [seconds]
#   producers/bench.sh KinesisThroughputBench [records-per-run] [rounds] [concurrency]
set -euo pipefail
cd "$(dirname "$0")/.."
. .ci/test-main.sh
bench=$1; shift
run_test_main producers "io.pipekit.producers.bench.$bench" "$@"
