#!/usr/bin/env bash
# Soak: `khaacho serve` with its embedded pipeline (Tesseract, rules, demo
# catalog, log notifications) under a steady upload rate for SOAK_MINUTES.
# Per minute it prints uploads answered, their p50/p99 latency, orders that
# became terminal, and the server's RSS, then compares minute 2 with the last
# minute (a leak shows as RSS growth, a slowdown as latency or throughput
# drift). Every upload must end terminal, none FAILED.
#
#   KHAACHO_SKIP_BUILD=1 KHAACHO_TEST_COMMAND=bench/soak.sh scripts/test.sh
# Knobs: SOAK_MINUTES (default 20), SOAK_RATE uploads per second (default 0.5),
# SOAK_IMAGE (default data/samples/order-sample.png).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
: "${KHAACHO_TEST_PG_ADMIN_URL:?run through scripts/test.sh (see the header)}"
build="${KHAACHO_BUILD_DIR:-build}"
minutes="${SOAK_MINUTES:-20}"
rate="${SOAK_RATE:-0.5}"
image="${SOAK_IMAGE:-data/samples/order-sample.png}"

work="$(mktemp -d /var/tmp/khaacho-soak.XXXXXX)"
server_pid=""
cleanup() {
  [[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS khaacho_soak" >/dev/null 2>&1 || true
  rm -rf -- "$work"
}
trap cleanup EXIT

db_url="${KHAACHO_TEST_PG_ADMIN_URL%/*}/khaacho_soak"
psql -q "$KHAACHO_TEST_PG_ADMIN_URL" -c "DROP DATABASE IF EXISTS khaacho_soak" -c "CREATE DATABASE khaacho_soak" >/dev/null
export DATABASE_URL="$db_url"
export JWT_SECRET="soak-secret-soak-secret-soak-secret-0123456"
"$build/khaacho" migrate >/dev/null
"$build/khaacho" import-catalog data/catalog >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$work/storage"
"$build/khaacho" serve --http.host=127.0.0.1 --http.port="$port" --log.level=warn \
  --http.retailer-rate=1000 --http.retailer-burst=1000 \
  --storage.local-root="$work/storage" >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done
token="$("$build/khaacho" token --role retailer --retailer 0b7f2c1e-9f0a-4c4e-8a53-2f6f0a1d9c11 --ttl 86400)"

python3 - "$port" "$token" "$image" "$rate" "$minutes" "$server_pid" "$db_url" <<'PY'
import http.client, json, os, subprocess, sys, threading, time, uuid
port, token, image, rate, minutes, pid, db = sys.argv[1:8]
port, rate, minutes = int(port), float(rate), float(minutes)
body_image = open(image, "rb").read()
boundary = "soak" + uuid.uuid4().hex

def upload():
    # Distinct bytes per upload (after PNG's IEND, which decoders ignore), so
    # the duplicate-photo window does not fold the uploads into one order.
    unique = body_image + uuid.uuid4().bytes
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"o.png\"\r\n"
            f"Content-Type: image/png\r\n\r\n").encode() + unique + f"\r\n--{boundary}--\r\n".encode()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t0 = time.monotonic()
    c.request("POST", "/api/orders/upload-image", body, {
        "Authorization": "Bearer " + token, "Content-Type": "multipart/form-data; boundary=" + boundary,
        "Idempotency-Key": uuid.uuid4().hex})
    r = c.getresponse(); r.read(); c.close()
    return r.status, (time.monotonic() - t0) * 1000

def rss_kib():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0

def terminal():
    out = subprocess.run(["psql", "-qAt", db, "-c",
        "SELECT count(*) FILTER (WHERE status <> 'PROCESSING'), count(*) FILTER (WHERE status = 'FAILED'), count(*)"
        " FROM uploaded_orders"], capture_output=True, text=True).stdout.strip()
    done, failed, total = (int(x) for x in out.split("|"))
    return done, failed, total

lock = threading.Lock()
lat, codes = [], {}
def worker(t_start):
    s, ms = upload()
    with lock:
        lat.append((t_start, ms)); codes[s] = codes.get(s, 0) + 1

start = time.monotonic(); n = 0; threads = []
rows = []; prev_done = 0; next_report = start + 60
print(f"{'min':>3} {'uploads':>7} {'p50_ms':>7} {'p99_ms':>7} {'terminal':>8} {'rss_MiB':>7}", flush=True)
while time.monotonic() - start < minutes * 60:
    due = start + n / rate
    now = time.monotonic()
    if now < due:
        time.sleep(min(due - now, max(0.0, next_report - now)))
    if time.monotonic() >= due:
        th = threading.Thread(target=worker, args=(time.monotonic(),)); th.start(); threads.append(th); n += 1
    if time.monotonic() >= next_report:
        m = len(rows) + 1
        with lock:
            window = sorted(ms for t, ms in lat if next_report - 60 <= t < next_report)
        done, failed, total = terminal()
        p = lambda q: window[min(len(window) - 1, int(q * (len(window) - 1)))] if window else 0
        rows.append((m, len(window), p(0.5), p(0.99), done - prev_done, rss_kib() / 1024))
        prev_done = done
        r = rows[-1]
        print(f"{r[0]:>3} {r[1]:>7} {r[2]:>7.1f} {r[3]:>7.1f} {r[4]:>8} {r[5]:>7.1f}", flush=True)
        next_report += 60
for th in threads: th.join()
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    done, failed, total = terminal()
    if done == total: break
    time.sleep(1)
accepted = codes.get(202, 0)
print(f"uploads {n}: answers {codes}; orders {total}, terminal {done}, FAILED {failed}")
if len(rows) >= 3:
    a, b = rows[1], rows[-1]
    print(f"minute 2 vs {b[0]}: RSS {a[5]:.1f} -> {b[5]:.1f} MiB ({100*(b[5]-a[5])/a[5]:+.1f} %), "
          f"p99 {a[3]:.0f} -> {b[3]:.0f} ms, terminal/min {a[4]} -> {b[4]}")
ok = done == total and failed == 0 and accepted == n
print("RESULT", "ok" if ok else "NOT OK")
sys.exit(0 if ok else 1)
PY
