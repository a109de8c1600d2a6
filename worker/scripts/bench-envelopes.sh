#!/usr/bin/env bash
# Envelope decode benchmark (JMH): decode throughput per kind beside a bare Jackson readTree.
# Usage: worker/scripts/bench-envelopes.sh [rounds=3] [measured iterations per method and round=4] [fixture,fixture...]
# Builds in the reactor (never installs), then runs JMH from the test classpath so its fork works.
set -euo pipefail
cd "$(dirname "$0")/../.."
. .ci/test-main.sh
run_test_main worker io.pipekit.worker.envelope.bench.EnvelopeBench "$@"
