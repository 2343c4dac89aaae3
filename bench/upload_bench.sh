#!/usr/bin/env bash
# Upload throughput and latency of `khaacho serve` (wrk, a real ~200 KB JPEG,
# a valid token) at 16 and 64 connections, next to the machine's ceiling for
# the same work measured in the same run: pgbench inserting the same row shape
# at the same client count, and writing + fsyncing the same bytes.
#
# Run it with the servers of the test script (PostgreSQL comes up with
# fsync=off there, for the service and for pgbench alike):
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/upload_bench.sh scripts/test.sh
# Knobs: BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default "16 64").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KHAACHO_TEST_PG_ADMIN_URL:?run through scripts/test.sh (see the header)}"
build="${KHAACHO_BUILD_DIR:-build}"
seconds="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-16 64}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

work="$(mktemp -d /var/tmp/khaacho-bench.XXXXXX)"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS khaacho_bench" >/dev/null 2>&1 || true
  if [[ -n ${BENCH_KEEP_LOG:-} ]]; then cp "$work/serve.log" "$BENCH_KEEP_LOG"; fi
  rm -rf -- "$work"
}
trap cleanup EXIT

db_url="${KHAACHO_TEST_PG_ADMIN_URL%/*}/khaacho_bench"
psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS khaacho_bench" -c "CREATE DATABASE khaacho_bench" >/dev/null
export DATABASE_URL="$db_url"
export JWT_SECRET="bench-secret-bench-secret-bench-secret-0123"
"$build/khaacho" migrate >/dev/null
"$build/bench_jpeg" "$work/order.jpg" 204800
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/storage" "$work/fsync"
"$build/khaacho" serve --http.host=127.0.0.1 --http.port="$port" --http.threads=${BENCH_THREADS:-72} \
  --http.max-in-flight-uploads=128 --http.retailer-burst=1000000 --http.retailer-rate=1000000 \
  --database.pool-size=8 --log.level=info \
  --storage.local-root="$work/storage" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
export BENCH_IMAGE="$work/order.jpg"
BENCH_TOKEN="$("$build/khaacho" token --role retailer --retailer 0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11 --ttl 3600)"
export BENCH_TOKEN

# The row an upload writes, as pgbench inserts it.
cat >"$work/insert.sql" <<'SQL'
INSERT INTO uploaded_orders (id, retailer_id, image_key, image_url, image_sha256, image_content_type, image_size, trace_id)
VALUES (gen_random_uuid(), '0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11', 'orders/2026-11-29_order_x.jpg',
        'file:///x', md5(random()::text) || md5(random()::text), 'image/jpeg', 204800, 'bench');
SQL

printf '%-6s %10s %8s %8s %7s %12s %12s %9s %9s %8s\n' conns uploads/s p50_ms p99_ms non2xx pg_insert/s disk_write/s disk_p50 disk_p99 ratio
for c in $connections; do
  wrk_out="$(wrk -t2 -c"$c" -d"${seconds}s" --timeout 10s -s bench/upload.lua "http://127.0.0.1:$port")"
  result="$(grep "^RESULT" <<<"$wrk_out")"
  grep "^DETAIL" <<<"$wrk_out" >&2
  rps=$(sed -E 's/.* rps=([0-9.]+).*/\1/' <<<"$result")
  p50=$(sed -E 's/.* p50_ms=([0-9.]+).*/\1/' <<<"$result")
  p99=$(sed -E 's/.* p99_ms=([0-9.]+).*/\1/' <<<"$result")
  non2xx=$(sed -E 's/.* non2xx=([0-9]+).*/\1/' <<<"$result")
  errors=$(sed -E 's/.* errors=([0-9]+).*/\1/' <<<"$result")
  pg=$(pgbench -n -c "$c" -j 2 -T "$seconds" -f "$work/insert.sql" "$db_url" 2>/dev/null \
       | sed -nE 's/^tps = ([0-9.]+).*/\1/p')
  read -r fs fs_p50 fs_p99 < <("$build/fsync_ceiling" "$work/fsync" "$work/order.jpg" "$c" "$seconds")
  rm -rf "$work/fsync" && mkdir -p "$work/fsync"
  # The ceiling of an upload is the slower of its two durable writes.
  ratio=$(python3 -c "print(f'{100*$rps/min($pg,$fs):.1f}%')")
  printf '%-6s %10s %8s %8s %7s %12.0f %12s %9s %9s %8s\n' "$c" "$rps" "$p50" "$p99" "$((non2xx + errors))" "$pg" "$fs" "$fs_p50" "$fs_p99" "$ratio"
done
