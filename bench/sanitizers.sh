#!/usr/bin/env bash
# bench/sanitizers.sh — the test suite under AddressSanitizer + UBSan
# (build-asan/) and under ThreadSanitizer (build-tsan/), against the throwaway
# PostgreSQL and redis-server of scripts/test.sh.
#
#   bench/sanitizers.sh                      both, every test
#   bench/sanitizers.sh address              ASan + UBSan only
#   bench/sanitizers.sh thread -R '\[actors\]|\[api\]'   TSan, a subset (args go to ctest)
#
# Every report (also from the khaacho processes the end-to-end tests start) is
# written to <build>/sanitizer-logs/ and the run fails when there is one, even
# if the test around it passed. The TSan build links CAF and cpp-httplib
# built with TSan from Debian's sources (bench/tsan_deps.sh; the first run
# downloads and builds them into build-tsan/deps/, about two minutes). Knobs: KHAACHO_SANITIZER_JOBS (compile jobs,
# default 2), KHAACHO_TEST_JOBS (parallel tests, default 2), KHAACHO_SKIP_BUILD=1.
#
# Left out: deploy_files, which compares `ldd khaacho` with the image's package
# list and so always fails for a binary linked against the sanitizer runtimes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$root"
mode="${1:-both}"
if [[ $# -gt 0 ]]; then
  shift
fi
case "$mode" in
  both) sanitizers=(address thread) ;;
  address | thread) sanitizers=("$mode") ;;
  *) echo "usage: bench/sanitizers.sh [both|address|thread] [ctest args...]" >&2; exit 2 ;;
esac

export CCACHE_DIR="${CCACHE_DIR:-${KHAACHO_CCACHE_DIR:-$root/.local/ccache}}"
# The precompiled headers of sanitizer builds need these to be cached.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
jobs="${KHAACHO_SANITIZER_JOBS:-2}"
generator=()
if command -v ninja >/dev/null; then
  generator=(-G Ninja)
fi

overall=0
for sanitizer in "${sanitizers[@]}"; do
  case "$sanitizer" in
    address) build="$root/build-asan" ;;
    thread) build="$root/build-tsan" ;;
  esac
  if [[ ${KHAACHO_SKIP_BUILD:-0} != 1 ]]; then
    # -O0 keeps the compile time of a from-scratch build down on small machines;
    # -g1 is enough for file:line in the reports. TSan runs at -O1: at -O0 its
    # shadow-memory bookkeeping makes the end-to-end tests miss their deadlines.
    opt=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1")
    deps=()
    if [[ $sanitizer == thread ]]; then
      # CAF and cpp-httplib instrumented too (bench/tsan_deps.sh says why).
      echo "[sanitizers] thread: building CAF and cpp-httplib with TSan (first run only)" >&2
      "$root/bench/tsan_deps.sh" "$build/deps"
      opt=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1")
      deps=(-DCAF_INCLUDE_DIR="$build/deps/caf/include" -DCAF_CORE_LIBRARY="$build/deps/caf/lib/libcaf_core.so")
      export PKG_CONFIG_PATH="$build/deps/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
      # pkg-config answers are cached: a cache made against Debian's httplib must go.
      if [[ -f $build/CMakeCache.txt ]] && ! grep -q "HTTPLIB_INCLUDE_DIRS:INTERNAL=$build/deps" "$build/CMakeCache.txt"; then
        rm -f "$build/CMakeCache.txt"
      fi
    fi
    cmake -S "$root" -B "$build" "${generator[@]}" -DKHAACHO_SANITIZE="$sanitizer" \
      "${opt[@]}" "${deps[@]}" >/dev/null
    cmake --build "$build" -j"$jobs" --target khaacho khaacho_tests
  fi

  logs="$build/sanitizer-logs"
  rm -rf "$logs"
  mkdir -p "$logs"
  supp="$root/bench/sanitizers"
  # halt_on_error: the first report ends the process, so no test can pass over one.
  # detect_leaks: LeakSanitizer runs at exit of every process (tests and servers).
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1:log_path=$logs/asan"
  export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$supp/ubsan.supp:log_path=$logs/ubsan"
  export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$supp/tsan.supp:log_path=$logs/tsan"

  ctest_cmd="ctest --test-dir '$build' --output-on-failure --no-tests=error -E '^deploy_files\$' -j ${KHAACHO_TEST_JOBS:-2}"
  for arg in "$@"; do
    ctest_cmd+=" $(printf '%q' "$arg")"
  done
  echo "[sanitizers] $sanitizer: $ctest_cmd" >&2
  status=0
  started=$SECONDS
  # The output is kept too: a report that reached stderr instead of log_path
  # (UBSan beside ASan may write there) is counted from it.
  KHAACHO_BUILD_DIR="$build" KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND="$ctest_cmd" \
    "$root/scripts/test.sh" 2>&1 | tee "$build/sanitizer-ctest.log" || status=$?
  pattern='runtime error:|ERROR: (Address|Leak|Thread)Sanitizer|WARNING: ThreadSanitizer'
  in_output=$(grep -cE "$pattern" "$build/sanitizer-ctest.log" || true)
  reports=$(find "$logs" -type f | wc -l)
  echo "[sanitizers] $sanitizer: ctest status $status, $reports report file(s) in $logs," \
    "$in_output report line(s) in $build/sanitizer-ctest.log, $((SECONDS - started)) s" >&2
  if ((in_output > 0)); then
    status=1
  fi
  if ((reports > 0)); then
    for f in "$logs"/*; do
      echo "---- $f" >&2
      head -60 "$f" >&2
    done
    status=1
  fi
  if ((status != 0)); then
    overall=1
  fi
done
exit "$overall"
