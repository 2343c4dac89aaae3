#!/usr/bin/env bash
# scripts/test.sh — the one command that runs every test.
#
# Installs missing Debian packages, builds (Release, in build/ like run.sh, so
# the two share one build), starts a throwaway PostgreSQL 15 and a
# redis-server on free loopback ports, runs ctest, and stops both servers
# afterwards, also on failure or Ctrl-C. Exits with ctest's status.
#
#   scripts/test.sh                 every test
#   scripts/test.sh -R postgres     extra arguments go to ctest
#
# Knobs (environment): KHAACHO_BUILD_DIR (default build/), KHAACHO_TEST_JOBS
# (parallel tests, default nproc), KHAACHO_SKIP_BUILD=1 (use the build as it
# is), KHAACHO_KEEP_TEST_TMP=1 (keep the servers' temp folder),
# KHAACHO_TEST_COMMAND (run this shell command instead of ctest, with the
# servers up and the variables below exported, e.g. KHAACHO_TEST_COMMAND=bash),
# KHAACHO_SKIP_FUZZ=1 (skip the libFuzzer runs that follow a full ctest run),
# KHAACHO_FUZZ_SECONDS (seconds per fuzz target, default 5 here: 14 targets
# keep the fuzzing near a minute and the whole run well under 20 minutes on
# 2 cores; bench runs go longer).
#
# The tests get:
#   KHAACHO_TEST_PG_ADMIN_URL  postgres://postgres@127.0.0.1:<port>/postgres (superuser)
#   KHAACHO_TEST_REDIS_URL     redis://127.0.0.1:<port>
#   KHAACHO_TEST_PG_RESTART / _STOP / _START  shell command lines for system()
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$KHAACHO_ROOT"

started_at=$SECONDS

if [[ ${KHAACHO_SKIP_BUILD:-0} != 1 ]]; then
  kh_ensure_packages
  kh_setup_ccache
  kh_build "$KHAACHO_BUILD_DIR" "${KHAACHO_BUILD_TYPE:-Release}"
  kh_log "build done after $((SECONDS - started_at)) s"
fi

kh_ensure_browser_test_deps
kh_ensure_line_model

# ---- servers, in a fresh temp folder that the PostgreSQL user owns.
kh_pg_setup_user
test_tmp="$(mktemp -d /tmp/khaacho-test.XXXXXX)"
chmod 0755 "$test_tmp"
pg_data="$test_tmp/pg"
pg_log="$test_tmp/postgresql.log"
redis_dir="$test_tmp/redis"

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
  trap - INT TERM
  if kh_pg_running "$pg_data" 2>/dev/null; then
    kh_pg_stop "$pg_data"
  fi
  kh_redis_stop "$redis_dir"
  # Keep the servers' logs next to ctest's own (build/Testing/Temporary).
  local keep="$KHAACHO_BUILD_DIR/Testing/servers"
  if [[ -d $KHAACHO_BUILD_DIR ]] && mkdir -p "$keep" 2>/dev/null; then
    cp -f "$pg_log" "$redis_dir/redis.log" "$keep/" 2>/dev/null || true
  fi
  if [[ ${KHAACHO_KEEP_TEST_TMP:-0} == 1 ]]; then
    kh_log "kept $test_tmp"
  elif [[ $test_tmp == /tmp/khaacho-test.* ]]; then
    rm -rf -- "$test_tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$pg_data" "$redis_dir"
chmod 0700 "$pg_data"
kh_pg_own "$test_tmp" "$pg_data"

mapfile -t ports < <(kh_free_ports 2)
pg_port="${ports[0]}"
redis_port="${ports[1]}"

# Throwaway cluster: trust on loopback, no durability (tests create and drop
# a database each, so fsync would dominate the run).
kh_pg_init "$pg_data" postgres --auth=trust --no-sync
kh_pg_configure "$pg_data" "$pg_port" \
  "fsync = off" "synchronous_commit = off" "full_page_writes = off" \
  "max_connections = 200" "log_min_messages = warning"
kh_pg_start "$pg_data" "$pg_log"
kh_log "PostgreSQL on 127.0.0.1:$pg_port ($pg_data)"

kh_redis_start "$redis_dir" "$redis_port"
kh_log "redis-server on 127.0.0.1:$redis_port"

export KHAACHO_TEST_PG_ADMIN_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
export KHAACHO_TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
pg_ctl_common=(-D "$pg_data" -l "$pg_log" -w -t 60)
KHAACHO_TEST_PG_RESTART="$(kh_pg_ctl_cmdline "${pg_ctl_common[@]}" -m fast restart)"
KHAACHO_TEST_PG_STOP="$(kh_pg_ctl_cmdline "${pg_ctl_common[@]}" -m fast stop)"
KHAACHO_TEST_PG_START="$(kh_pg_ctl_cmdline "${pg_ctl_common[@]}" start)"
export KHAACHO_TEST_PG_RESTART KHAACHO_TEST_PG_STOP KHAACHO_TEST_PG_START

# ---- the tests; their status is the script's.
status=0
if [[ -n ${KHAACHO_TEST_COMMAND:-} ]]; then
  bash -c "$KHAACHO_TEST_COMMAND" || status=$?
else
  ctest --test-dir "$KHAACHO_BUILD_DIR" --output-on-failure --no-tests=error \
    -j "${KHAACHO_TEST_JOBS:-$(nproc)}" "$@" || status=$?
fi
# A full run (no ctest filter) also fuzzes the parsers that face the network.
if [[ $status == 0 && -z ${KHAACHO_TEST_COMMAND:-} && $# == 0 && ${KHAACHO_SKIP_FUZZ:-0} != 1 ]]; then
  KHAACHO_FUZZ_SECONDS="${KHAACHO_FUZZ_SECONDS:-5}" "$KHAACHO_ROOT/scripts/fuzz.sh" || status=$?
fi
kh_log "tests finished with status $status after $((SECONDS - started_at)) s"
exit "$status"
