#!/usr/bin/env bash
# The whole pipeline with the embedded defaults (Tesseract, rules, the
# in-memory matcher, log-only notifications) scored on a folder of order
# photos with ground truth, by ../shared/eval/run_eval.py:
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/eval_dev_set.sh scripts/test.sh
# Knobs: EVAL_DIR (default ../shared/data/orders-dev), EVAL_CATALOG (default
# ../shared/data/catalog), EVAL_TOOLS (default ../shared/eval), EVAL_OUT
# (results JSON, default build/eval/results.json), EVAL_CONCURRENCY (4),
# EVAL_ARGS (more run_eval.py flags, e.g. "--limit 10 --per-image").
# Uses the test script's PostgreSQL; the service listens on a free loopback port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KHAACHO_TEST_PG_ADMIN_URL:?run through scripts/test.sh (see the header)}"
build="${KHAACHO_BUILD_DIR:-build}"
dir="${EVAL_DIR:-../shared/data/orders-dev}"
catalog="${EVAL_CATALOG:-../shared/data/catalog}"
tools="${EVAL_TOOLS:-../shared/eval}"
out="${EVAL_OUT:-$build/eval/results.json}"
mkdir -p "$(dirname "$out")"

db="khaacho_eval_$$"
psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "CREATE DATABASE $db" >/dev/null
export DATABASE_URL="${KHAACHO_TEST_PG_ADMIN_URL%/*}/$db"
export JWT_SECRET
JWT_SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
storage="$(mktemp -d)"
export KHAACHO_STORAGE_ROOT="$storage"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
log="$(dirname "$out")/serve.log"

"$build/khaacho" migrate >/dev/null
"$build/khaacho" import-catalog "$catalog" >/dev/null
"$build/khaacho" serve --http.host=127.0.0.1 --http.port="$port" >"$log" 2>&1 &
serve=$!
cleanup() {
  kill "$serve" 2>/dev/null || true
  wait "$serve" 2>/dev/null || true
  rm -rf "$storage"
  psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
}
trap cleanup EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.2
done
retailer="$(python3 -c 'import uuid; print(uuid.uuid4())')"
start=$(date +%s)
# shellcheck disable=SC2086  # EVAL_ARGS is a list of flags
python3 "$tools/run_eval.py" --base-url "http://127.0.0.1:$port" --jwt-secret "$JWT_SECRET" \
  --retailer-id "$retailer" --dir "$dir" --concurrency "${EVAL_CONCURRENCY:-4}" --out "$out" \
  ${EVAL_ARGS:-}
echo "wall: $(( $(date +%s) - start )) s for $(ls "$dir" | grep -ciE '\.(jpe?g|png|webp)$') images; serve log: $log"
