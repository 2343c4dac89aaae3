#!/usr/bin/env bash
# Cluster scaling: orders/s with 1, 2 and 3 nodes (the test binary's node mode,
# latency-bound test stages, so scaling is about concurrency, not CPU), all
# orders uploaded to the first node and handed to the Redis stream; and Redis
# commands per order from INFO commandstats.
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/cluster_bench.sh scripts/test.sh
# Knobs: ORDERS (default 900), IN_FLIGHT per node (20), LATENCY_MS per stage (100).
set -euo pipefail
cd "$(dirname "$0")/.."
build="${KHAACHO_BUILD_DIR:-build}"
orders="${ORDERS:-900}"
in_flight="${IN_FLIGHT:-20}"
latency="${LATENCY_MS:-100}"
redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
admin="$KHAACHO_TEST_PG_ADMIN_URL"

run() {
  local nodes=$1 db="cluster_bench_$1"
  psql -q "$admin" -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  local url="${admin%/*}/$db"
  DATABASE_URL="$url" "$build/khaacho" migrate >/dev/null
  psql -q "$url" -c "CREATE TABLE test_stage_effects (order_id uuid NOT NULL, stage text NOT NULL,
    node text NOT NULL, invocations int NOT NULL DEFAULT 1, PRIMARY KEY (order_id, stage))"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "/tmp/cluster_bench_redis.pid" --logfile /dev/null
  sleep 0.3
  local pids=()
  for i in $(seq 2 "$nodes"); do
    KHAACHO_TEST_NODE="node-$i" DATABASE_URL="$url" REDIS_URL="redis://127.0.0.1:$redis_port" \
      KHAACHO_TEST_IN_FLIGHT="$in_flight" KHAACHO_TEST_LATENCY_MS="$latency" KHAACHO_TEST_WORKERS=8 \
      "$build/khaacho_tests" >/dev/null 2>&1 &
    pids+=($!)
  done
  sleep 1
  local t0; t0=$(date +%s.%N)
  KHAACHO_TEST_NODE="node-1" DATABASE_URL="$url" REDIS_URL="redis://127.0.0.1:$redis_port" \
    KHAACHO_TEST_IN_FLIGHT="$in_flight" KHAACHO_TEST_LATENCY_MS="$latency" KHAACHO_TEST_WORKERS=8 \
    KHAACHO_TEST_UPLOADS="$orders" "$build/khaacho_tests" >/dev/null 2>&1 &
  pids+=($!)
  until [[ $(psql -tA "$url" -c "SELECT count(*) FROM uploaded_orders WHERE status = 'COMPLETED'") == "$orders" ]]; do
    sleep 0.05
  done
  local t1; t1=$(date +%s.%N)
  local stats; stats=$(redis-cli -p "$redis_port" INFO commandstats)
  # Every command the nodes sent (INFO itself excluded).
  local cmds; cmds=$(echo "$stats" | tr -d '\r' | python3 -c '
import re, sys
print(sum(int(m.group(2)) for m in re.finditer(r"cmdstat_(\w+):calls=(\d+)", sys.stdin.read())
          if m.group(1) != "info"))')
  kill -TERM "${pids[@]}"; wait "${pids[@]}" 2>/dev/null || true
  local shares; shares=$(psql -tA "$url" -c "SELECT string_agg(node || '=' || n, ' ' ORDER BY node) FROM
    (SELECT node, count(DISTINCT order_id) n FROM test_stage_effects GROUP BY node) x")
  local twice; twice=$(psql -tA "$url" -c "SELECT count(*) FROM test_stage_effects WHERE invocations > 1")
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  python3 - "$nodes" "$orders" "$t0" "$t1" "$cmds" "$shares" "$twice" <<'PY'
import sys
n, orders, t0, t1, cmds, shares, twice = sys.argv[1:]
secs = float(t1) - float(t0)
print(f"nodes={n} orders={orders} wall={secs:.2f}s orders/s={int(orders)/secs:.1f} "
      f"redis_cmds/order={int(cmds)/int(orders):.2f} shares: {shares} repeated_stage_calls={twice}")
PY
  psql -q "$admin" -c "DROP DATABASE $db"
}

echo "stage latency ${latency} ms x 6, max_in_flight ${in_flight} per node (ceiling per node: $((in_flight * 1000 / (latency * 6)))/s)"
for n in 1 2 3; do run "$n"; done
