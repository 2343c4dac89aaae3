#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (every fuzz/*_fuzz.cpp) with clang
# (ASan + UBSan) in build-fuzz/ and runs each for KHAACHO_FUZZ_SECONDS
# (default 20) seconds, starting from the seeds in fuzz/corpus/<target>/.
# Exits non-zero when any target finds a crash; the crashing input is left in
# build-fuzz/artifacts/.
#
# Needs the Debian packages clang and libclang-rt-14-dev (libFuzzer's runtime).
#   KHAACHO_FUZZ_SECONDS   seconds per target (default 20)
#   KHAACHO_FUZZ_TARGETS   space-separated subset of the targets to run
#   KHAACHO_FUZZ_BUILD_DIR build folder (default build-fuzz/)
#   KHAACHO_FUZZ_JOBS      parallel compile jobs (default nproc)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
build="${KHAACHO_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${KHAACHO_FUZZ_SECONDS:-20}"
all_targets="$(cd "$root/fuzz" && ls -- *_fuzz.cpp | sed 's/\.cpp$//' | tr '\n' ' ')"
read -r -a targets <<<"${KHAACHO_FUZZ_TARGETS:-$all_targets}"

command -v clang++ >/dev/null || { echo "fuzz.sh: clang++ not found (apt-get install clang)" >&2; exit 1; }
export CCACHE_DIR="${CCACHE_DIR:-${KHAACHO_CCACHE_DIR:-$root/.local/ccache}}"

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DKHAACHO_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"${KHAACHO_FUZZ_JOBS:-$(nproc)}" --target "${targets[@]}"

mkdir -p "$build/artifacts"
failed=()
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  cp -n "$root/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
  echo "[fuzz] $target for ${seconds}s" >&2
  if ! "$build/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" "$corpus"; then
    failed+=("$target")
  fi
done

if ((${#failed[@]})); then
  echo "[fuzz] crashes in: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
echo "[fuzz] no crash in ${targets[*]}" >&2
