#!/usr/bin/env bash
# The real pipeline with simulated stages (bench/pipeline_bench.cpp) at
# several admission limits, with the test script's PostgreSQL:
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/pipeline_bench.sh scripts/test.sh
# Knobs: BENCH_MAX_IN_FLIGHT (default "10000 2000"), BENCH_ARGS (more flags for
# every run, e.g. "--orders 20000 --extract-ms 1500"). The ceiling (the same
# statements on raw libpq connections) is measured in the first run only.
# Exits non-zero when a run left an order short of COMPLETED with six checkpoints.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KHAACHO_TEST_PG_ADMIN_URL:?run through scripts/test.sh (see the header)}"
build="${KHAACHO_BUILD_DIR:-build}"
export DATABASE_URL="$KHAACHO_TEST_PG_ADMIN_URL"
status=0
ceiling=""
for m in ${BENCH_MAX_IN_FLIGHT:-10000 2000}; do
  # shellcheck disable=SC2086  # BENCH_ARGS is a list of flags
  "$build/pipeline_bench" --max-in-flight "$m" $ceiling ${BENCH_ARGS:-} || status=$?
  ceiling="--no-ceiling"
  echo
done
exit "$status"
