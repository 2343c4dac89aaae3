#!/usr/bin/env bash
# The long version of the [chaos] tests (tests/chaos/chaos_test.cpp): 500
# uploads with 12 kill -9s at seeded moments, a 30 s PostgreSQL outage, the
# restart, the full disk and the hanging LLM, each ending with its accounting
# (printed as Catch2 warnings: requests, orders, lost, duplicated). Run with
# the test script's private PostgreSQL and Redis:
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/chaos.sh scripts/test.sh
# Knobs: KHAACHO_CHAOS_UPLOADS (500), KHAACHO_CHAOS_KILLS (12),
# KHAACHO_CHAOS_OUTAGE_S (30), KHAACHO_CHAOS_PG_UPLOADS (50),
# KHAACHO_CHAOS_SEED (20261129; the kill schedule follows from it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KHAACHO_TEST_PG_RESTART:?run through scripts/test.sh (see the header)}"
build="${KHAACHO_BUILD_DIR:-build}"
export KHAACHO_CHAOS_UPLOADS="${KHAACHO_CHAOS_UPLOADS:-500}"
export KHAACHO_CHAOS_KILLS="${KHAACHO_CHAOS_KILLS:-12}"
export KHAACHO_CHAOS_OUTAGE_S="${KHAACHO_CHAOS_OUTAGE_S:-30}"
export KHAACHO_CHAOS_PG_UPLOADS="${KHAACHO_CHAOS_PG_UPLOADS:-50}"
export KHAACHO_CHAOS_SEED="${KHAACHO_CHAOS_SEED:-20261129}"
exec "$build/khaacho_tests" "[chaos]" --durations yes
