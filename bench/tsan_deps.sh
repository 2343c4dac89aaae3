#!/usr/bin/env bash
# bench/tsan_deps.sh DEST — CAF 0.17.6 (libcaf_core) and cpp-httplib 0.11.4
# built with ThreadSanitizer from Debian 12's own source packages, for
# bench/sanitizers.sh thread.
#
# Why: ThreadSanitizer only sees the synchronization of code it instrumented.
# Debian's libcaf_core.so and libcpp-httplib.so are plain builds, so every
# mailbox hand-over between CAF threads (and every request hand-over between
# httplib's workers) looks like a race: the first actor test gives a false
# report. Built here with -fsanitize=thread, their locks and atomics are seen.
#
# The sources come from the Debian archive the machine already uses (a
# deb-src entry in a private apt state under DEST: the system's apt lists are
# not touched), checked against the SHA256 of Debian's signed Sources index.
# Debian's packaging patches are applied where the archive has them
# (cpp-httplib: the CVE-2023-26130 fix; the actor-framework debian.tar is
# absent from the archive mirror here, and CAF's patches only touch packaging).
#
# Writes DEST/caf (include/, lib/libcaf_core.so), DEST/httplib (libcpp-httplib.so,
# include/httplib.h) and DEST/pkgconfig/cpp-httplib.pc; prints nothing else on
# success. A second run with everything in place does nothing.
# Knobs: KHAACHO_DEBIAN_MIRROR (default http://deb.debian.org/debian),
# KHAACHO_SANITIZER_JOBS (compile jobs, default 2).
set -euo pipefail

dest="${1:?usage: bench/tsan_deps.sh DEST}"
mkdir -p "$dest"
dest="$(cd "$dest" && pwd -P)"
stamp="$dest/.built-caf-0.17.6-httplib-0.11.4"
if [[ -f $stamp ]]; then
  exit 0
fi
mirror="${KHAACHO_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
jobs="${KHAACHO_SANITIZER_JOBS:-2}"
flags="-fsanitize=thread -fno-omit-frame-pointer -O1 -g1"

for tool in apt-get curl sha256sum cmake python3 patch; do
  command -v "$tool" >/dev/null || { echo "tsan_deps: $tool is missing" >&2; exit 1; }
done

# -------------------------------------------------------------- sources
apt_state="$dest/apt"
mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial" "$dest/src"
echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
  >"$apt_state/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$apt_state/sources.list" -o "Dir::Etc::SourceParts=$apt_state/none"
  -o "Dir::State::Lists=$apt_state/lists" -o "Dir::Cache=$apt_state/cache")
apt-get "${apt_opts[@]}" -qq update >/dev/null
# One line per file: 'URI' name size SHA256:hash
apt-get "${apt_opts[@]}" -qq source --print-uris actor-framework=0.17.6-2.1 \
  cpp-httplib=0.11.4+ds-1+deb12u1 | grep "^'" >"$dest/src/uris"

fetch() { # fetch NAME-PATTERN [optional]
  local line uri name hash
  line=$(grep -E " $1 " "$dest/src/uris" | head -1) || true
  if [[ -z $line ]]; then
    echo "tsan_deps: no source file matches $1" >&2
    return 1
  fi
  read -r uri name _ hash <<<"$line"
  uri=${uri//\'/}
  hash=${hash#SHA256:}
  if [[ -f $dest/src/$name ]] && echo "$hash  $dest/src/$name" | sha256sum -c --status; then
    return 0
  fi
  local quiet=(-S)
  [[ ${2:-} == optional ]] && quiet=()
  if ! curl -fs "${quiet[@]}" --retry 2 -o "$dest/src/$name.part" "$uri"; then
    rm -f "$dest/src/$name.part"
    [[ ${2:-} == optional ]] && return 0
    echo "tsan_deps: cannot download $uri" >&2
    return 1
  fi
  if ! echo "$hash  $dest/src/$name.part" | sha256sum -c --status; then
    echo "tsan_deps: $name does not match the archive's SHA256" >&2
    rm -f "$dest/src/$name.part"
    return 1
  fi
  mv "$dest/src/$name.part" "$dest/src/$name"
}
fetch 'actor-framework_0\.17\.6\.orig\.tar\.gz'
fetch 'actor-framework_.*\.debian\.tar\.xz' optional
fetch 'cpp-httplib_.*\.orig\.tar\.xz'
fetch 'cpp-httplib_.*\.debian\.tar\.xz'

unpack() { # unpack TARBALL DIR [debian-tarball]
  rm -rf "$2"
  mkdir -p "$2"
  tar xf "$1" -C "$2" --strip-components=1
  if [[ -n ${3:-} && -f $3 ]]; then
    tar xf "$3" -C "$2"
    if [[ -f $2/debian/patches/series ]]; then
      while read -r p; do
        [[ -z $p || $p == \#* ]] && continue
        patch -s -d "$2" -p1 <"$2/debian/patches/$p"
      done <"$2/debian/patches/series"
    fi
  fi
}

# -------------------------------------------------------------- CAF (core only)
unpack "$dest/src/actor-framework_0.17.6.orig.tar.gz" "$dest/src/caf" \
  "$(ls "$dest"/src/actor-framework_*.debian.tar.xz 2>/dev/null | head -1)"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$dest/src/caf" -B "$dest/src/caf-build" "${generator[@]}" "${launcher[@]}" \
  -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=$flags" -DCMAKE_INSTALL_PREFIX="$dest/caf" \
  -DCAF_NO_IO=yes -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_OPENCL=yes \
  -DCAF_NO_OPENSSL=yes -DCAF_NO_TOOLS=yes -DCAF_NO_PYTHON=yes -DCAF_NO_SUMMARY=yes >/dev/null
cmake --build "$dest/src/caf-build" -j"$jobs" >/dev/null
cmake --install "$dest/src/caf-build" >/dev/null

# -------------------------------------------------------------- cpp-httplib
# Built the way Debian builds libcpp-httplib.so (debian/rules: the split
# header/source, OpenSSL, zlib, brotli, CPPHTTPLIB_USE_POLL), so the header
# our code compiles against is the same as /usr/include/httplib.h.
unpack "$(ls "$dest"/src/cpp-httplib_*.orig.tar.xz | head -1)" "$dest/src/httplib" \
  "$(ls "$dest"/src/cpp-httplib_*.debian.tar.xz | head -1)"
mkdir -p "$dest/httplib/include"
(cd "$dest/src/httplib" && python3 "$dest/src/httplib/split.py" -o "$dest/httplib/include" >/dev/null)
httplib_defines="-DCPPHTTPLIB_OPENSSL_SUPPORT -DCPPHTTPLIB_ZLIB_SUPPORT -DCPPHTTPLIB_BROTLI_SUPPORT"
# shellcheck disable=SC2086
g++ -std=c++17 $flags -fPIC -shared $httplib_defines -DCPPHTTPLIB_USE_POLL \
  -I"$dest/httplib/include" "$dest/httplib/include/httplib.cc" -o "$dest/httplib/libcpp-httplib.so" \
  -lssl -lcrypto -lz -lbrotlienc -lbrotlidec -lbrotlicommon -pthread
mkdir -p "$dest/pkgconfig"
cat >"$dest/pkgconfig/cpp-httplib.pc" <<EOF
Name: cpp-httplib
Description: cpp-httplib built with ThreadSanitizer (bench/tsan_deps.sh)
Version: 0.11.4
Libs: -L$dest/httplib -lcpp-httplib
Cflags: -I$dest/httplib/include $httplib_defines
EOF
touch "$stamp"
