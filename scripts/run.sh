#!/usr/bin/env bash
# scripts/run.sh — from a fresh clone to a running khaacho on :8080.
#
# Installs missing Debian packages, builds (Release, in build/), starts a
# private PostgreSQL 15 cluster (data in .local/pg/run, 127.0.0.1:55432, kept
# and reused on the next run), applies migrations, imports the demo catalog
# (data/catalog), prints a ready-to-paste upload command with a fresh token,
# and runs `khaacho serve` in the foreground. Ctrl-C stops the service and
# the PostgreSQL this script started. Running it again reuses everything.
#
#   scripts/run.sh                  extra arguments go to `khaacho serve`
#
# Environment:
#   DATABASE_URL      use this database; no private PostgreSQL is started
#   KHAACHO_PG_PORT   port of the private PostgreSQL (default 55432)
#   JWT_SECRET        token secret (default: generated once into .local/jwt_secret)
#   PORT              HTTP port (default 8080, from config/khaacho.conf)
#   KHAACHO_BUILD_DIR build folder (default build/)
#   KHAACHO_DEV_TOKENS true (default here) gives the page at / a button that
#                     mints retailer tokens for anyone who can reach the
#                     server (auth.dev-tokens); false turns it off
#   HOST              address to bind (default here: 127.0.0.1 while
#                     development tokens are on, so only this machine can
#                     mint them; set HOST=0.0.0.0 to use the page from a
#                     phone on your network, knowing anyone there can too)
#
# As root, PostgreSQL runs as the system user khaacho-pg (initdb refuses
# root). If that user cannot reach .local/ (a parent folder such as /root is
# closed to others), the cluster lives in /var/tmp/khaacho-pg-<hash> instead;
# the script says so.
set -euo pipefail

# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$KHAACHO_ROOT"

# A fixed demo retailer: the token and the upload command below use it.
DEMO_RETAILER="7b1e4c2a-5d3f-4e8a-9c6b-0a1d2e3f4a5b"
KHAACHO_BIN="$KHAACHO_BUILD_DIR/khaacho"
shown_bin="${KHAACHO_BIN#"$KHAACHO_ROOT"/}" # as the printed commands show it

kh_ensure_packages run
kh_setup_ccache
kh_build "$KHAACHO_BUILD_DIR" Release
kh_ensure_line_model

mkdir -p .local

# ---- the private PostgreSQL (unless DATABASE_URL names a database)
pg_data=""
pg_started=0

# shellcheck disable=SC2317  # invoked by the EXIT trap
stop_private_pg() {
  if [[ $pg_started == 1 ]]; then
    kh_log "stopping the private PostgreSQL"
    kh_pg_stop "$pg_data"
    pg_started=0
  fi
}

# Picks the folder that holds the cluster: .local/pg, or /var/tmp/... when
# the PostgreSQL user cannot reach the repository.
pg_base_dir() {
  local base="$KHAACHO_ROOT/.local/pg"
  mkdir -p "$base"
  kh_pg_own "$base"
  chmod 0700 "$base"
  if ! kh_pg_can_use_dir "$base"; then
    base="/var/tmp/khaacho-pg-$(printf '%s' "$KHAACHO_ROOT" | sha1sum | cut -c1-12)"
    mkdir -p "$base"
    kh_pg_own "$base"
    chmod 0700 "$base"
    kh_log "user $KHAACHO_PG_USER cannot reach $KHAACHO_ROOT/.local; cluster in $base"
  fi
  printf '%s\n' "$base"
}

start_private_pg() {
  local port="${KHAACHO_PG_PORT:-55432}" base pwfile password
  kh_pg_setup_user
  base="$(pg_base_dir)"
  pg_data="$base/run"
  pwfile="$KHAACHO_ROOT/.local/pg_password"
  if [[ ! -s $pwfile ]]; then
    (umask 077 && openssl rand -hex 24 >"$pwfile")
  fi
  chmod 0600 "$pwfile"
  password="$(cat "$pwfile")"

  if [[ ! -s $pg_data/PG_VERSION ]]; then
    # Local (socket) connections: trust, the socket folder is the data folder
    # (0700, only the PostgreSQL user and root enter). TCP: passwords.
    kh_pg_init "$pg_data" postgres --auth-local=trust --auth-host=scram-sha-256
  fi
  if kh_pg_running "$pg_data"; then
    port="$(kh_pg_running_port "$pg_data")"
    kh_pg_configure "$pg_data" "$port"
    kh_log "PostgreSQL already running on 127.0.0.1:$port ($pg_data); reusing it, leaving it running"
  else
    kh_port_in_use "$port" \
      && kh_die "port $port is taken; set KHAACHO_PG_PORT to a free port (or DATABASE_URL)"
    kh_pg_configure "$pg_data" "$port"
    kh_pg_start "$pg_data" "$base/postgresql.log"
    pg_started=1
    kh_log "PostgreSQL on 127.0.0.1:$port ($pg_data, log $base/postgresql.log)"
  fi

  # Role and database, idempotently; the password is kept in sync with the file.
  kh_pg_as_user "$KHAACHO_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$KH_PG_SOCKET_DIR" -p "$port" -U postgres -d postgres >/dev/null <<SQL
\\set pw '$password'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'khaacho') AS need_role \\gset
\\if :need_role
CREATE ROLE khaacho LOGIN;
\\endif
ALTER ROLE khaacho WITH LOGIN PASSWORD :'pw';
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'khaacho') AS need_db \\gset
\\if :need_db
CREATE DATABASE khaacho OWNER khaacho;
\\endif
SQL
  export DATABASE_URL="postgres://khaacho:$password@127.0.0.1:$port/khaacho"
}

trap stop_private_pg EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -n ${DATABASE_URL:-} ]]; then
  kh_log "DATABASE_URL is set: using it, no private PostgreSQL"
else
  start_private_pg
fi

# ---- schema and demo catalog
if ! "$KHAACHO_BIN" migrate; then
  if [[ -n $pg_data ]]; then
    kh_log "migrate failed; if a migration was edited during development, stop this"
    kh_log "script and delete ${pg_data%/run} to start over with an empty database"
  fi
  exit 1
fi
if [[ -d data/catalog ]]; then
  "$KHAACHO_BIN" import-catalog data/catalog
else
  kh_log "warning: data/catalog is missing; starting without the demo catalog"
fi

# ---- JWT secret: generated once, kept in .local/jwt_secret
if [[ -z ${JWT_SECRET:-} ]]; then
  if [[ ! -s .local/jwt_secret ]]; then
    (umask 077 && openssl rand -hex 32 >.local/jwt_secret)
  fi
  chmod 0600 .local/jwt_secret
  JWT_SECRET="$(cat .local/jwt_secret)"
fi
export JWT_SECRET

# ---- the upload command, with a token valid for a day
token="$("$KHAACHO_BIN" token --role retailer --retailer "$DEMO_RETAILER" --ttl 86400)"
http_port="${PORT:-8080}"
sample=""
for f in data/samples/*.jpg data/samples/*.jpeg data/samples/*.png data/samples/*.webp; do
  if [[ -f $f ]]; then
    sample="$f"
    break
  fi
done
sample_note=""
if [[ -z $sample ]]; then
  sample="./photo.jpg"
  sample_note="(no sample image in data/samples: replace ./photo.jpg with a photo of an order list)"
fi

# ---- development tokens: on for this local setup unless turned off; serve
# logs a warning while they are on.
export KHAACHO_DEV_TOKENS="${KHAACHO_DEV_TOKENS:-true}"
page_note="paste the token below"
if [[ ${KHAACHO_DEV_TOKENS,,} =~ ^(true|yes|on|1)$ ]]; then
  export HOST="${HOST:-127.0.0.1}"
  page_note="press \"Get a development token\" (anyone who can reach $HOST:$http_port can; KHAACHO_DEV_TOKENS=false turns it off)"
fi

cat <<EOF

khaacho is starting on http://localhost:$http_port  (Ctrl-C stops it)
  the page:  http://localhost:$http_port/  - $page_note
  health:    curl http://localhost:$http_port/healthz
  ready:     curl http://localhost:$http_port/readyz

Upload an order photo as the demo retailer $DEMO_RETAILER:
${sample_note:+  $sample_note
}
  TOKEN=$token
  curl -F image=@$sample -F retailerId=$DEMO_RETAILER -H "Authorization: Bearer \$TOKEN" http://localhost:$http_port/api/orders/upload-image

A new token (from the repository folder):
  JWT_SECRET=\$(cat .local/jwt_secret) $shown_bin token --role retailer --retailer $DEMO_RETAILER --ttl 86400

EOF

# ---- serve in the foreground; a signal to this script is passed on to it,
# and the EXIT trap then stops PostgreSQL.
serve_pid=""
# shellcheck disable=SC2317  # invoked by the INT/TERM traps
forward_stop() {
  if [[ -n $serve_pid ]]; then
    kill -TERM "$serve_pid" 2>/dev/null || true
  fi
}
trap forward_stop INT TERM
"$KHAACHO_BIN" serve "$@" &
serve_pid=$!
status=0
while :; do
  status=0
  wait "$serve_pid" || status=$?
  # wait returns early (status > 128) when a trapped signal arrives.
  kill -0 "$serve_pid" 2>/dev/null || break
done
kh_log "khaacho serve exited with status $status"
exit "$status"
