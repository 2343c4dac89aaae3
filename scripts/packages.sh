#!/usr/bin/env bash
# scripts/packages.sh — the Debian package lists of scripts/lib/common.sh, for
# the Dockerfile and the tests, so the image and scripts/run.sh install the
# same packages.
#
#   scripts/packages.sh all                   what run.sh and test.sh install
#   scripts/packages.sh build                 the image's build stage
#   scripts/packages.sh runtime               the image's runtime stage
#   scripts/packages.sh line-model            the image's line-model stage
#   scripts/packages.sh check-runtime BINARY  exit 1 (naming them) when a
#       library that `ldd BINARY` lists belongs to no package the runtime
#       list installs (itself or through Depends/Pre-Depends, as recorded in
#       this machine's dpkg database)
#
# Lists are printed one package a line. Needs only bash (and python3, dpkg
# for check-runtime).
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

build_packages() {
  local p h skip
  for p in "${KHAACHO_PACKAGES[@]}"; do
    skip=0
    for h in "${KHAACHO_HOST_ONLY_PACKAGES[@]}"; do
      [[ $p == "$h" ]] && skip=1
    done
    ((skip)) || printf '%s\n' "$p"
  done
}

runtime_packages() {
  local p
  printf '%s\n' "${KHAACHO_RUNTIME_PACKAGES[@]}"
  # The OCR models: whatever language data the scripts install.
  for p in "${KHAACHO_PACKAGES[@]}"; do
    [[ $p == tesseract-ocr-* ]] && printf '%s\n' "$p"
  done
  return 0
}

check_runtime() {
  local binary="$1"
  local -a wanted
  [[ -x $binary ]] || kh_die "check-runtime: $binary is not an executable"
  mapfile -t wanted < <(runtime_packages)
  python3 - "$binary" "${wanted[@]}" <<'EOF'
import os, re, subprocess, sys

binary, wanted = sys.argv[1], sys.argv[2:]

def owner(path):
    # dpkg records some libraries under /lib, others under /usr/lib; ldd
    # prints whichever the loader found first, so try the other spelling and
    # the symlink's target too.
    candidates = [path, os.path.realpath(path)]
    for c in list(candidates):
        candidates.append(c[4:] if c.startswith("/usr/") else "/usr" + c)
    for c in candidates:
        r = subprocess.run(["dpkg-query", "-S", c], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    return None

ldd = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
libs = []
for line in ldd.splitlines():
    if "not found" in line:
        sys.exit(f"check-runtime: {binary} needs a library that is not installed: {line.strip()}")
    m = re.search(r"=>\s+(/\S+)", line)
    if m:
        libs.append(m.group(1))

def depends(pkg):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}", pkg],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return []
    out = []
    for dep in r.stdout.split(","):
        # "a (>= 1) | b" : apt installs the first alternative.
        name = dep.split("|")[0].strip().split(" ")[0].split(":")[0]
        if name:
            out.append(name)
    return out

closure, todo = set(), list(wanted)
while todo:
    p = todo.pop()
    if p in closure:
        continue
    closure.add(p)
    todo.extend(depends(p))

missing = []
for lib in libs:
    pkg = owner(lib)
    if pkg is None or pkg not in closure:
        missing.append(f"{lib} ({pkg or 'no package'})")
if missing:
    print("check-runtime: the runtime package list (KHAACHO_RUNTIME_PACKAGES in"
          " scripts/lib/common.sh) does not install:", file=sys.stderr)
    for m in missing:
        print("  " + m, file=sys.stderr)
    sys.exit(1)
print(f"check-runtime: all {len(libs)} libraries of {binary} come with the runtime packages")
EOF
}

case "${1:-}" in
  all) printf '%s\n' "${KHAACHO_PACKAGES[@]}" ;;
  build) build_packages ;;
  runtime) runtime_packages ;;
  line-model) printf '%s\n' "${KHAACHO_LINE_MODEL_TOOLS[@]}" ;;
  check-runtime)
    [[ $# == 2 ]] || kh_die "usage: scripts/packages.sh check-runtime BINARY"
    check_runtime "$2"
    ;;
  *)
    sed -n '2,15p' "${BASH_SOURCE[0]}" >&2
    exit 2
    ;;
esac
