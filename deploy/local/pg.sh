#!/usr/bin/env bash
# Local PostgreSQL cluster for Fupin dev and tests (private cluster, not Debian's "main").
#
#   deploy/local/pg.sh install        apt-get install postgresql when no initdb is found
#   deploy/local/pg.sh start          install if needed, initdb once, start, wait ready,
#                                     ensure role fupin and the service databases
#   deploy/local/pg.sh stop           pg_ctl stop -m fast (no error when not running)
#   deploy/local/pg.sh status         exit 0 when running and accepting connections, 3 when not
#   deploy/local/pg.sh url            print postgresql+asyncpg://fupin:fupin@127.0.0.1:PORT/
#   deploy/local/pg.sh psql [DB]      psql as fupin over TCP (default DB: postgres)
#
# Env: FUPIN_PG_PORT (55432); FUPIN_PG_FAST=1 (test profile: synchronous_commit=off; never
# fsync=off). Data: $REPO/var/pg (or /var/tmp/fupin-pg-<hash> with var/pg a symlink to it
# when the postgres user cannot reach the checkout). Listens on 127.0.0.1 only; the unix
# socket lives in the data folder. Role fupin/fupin is SUPERUSER (tests create databases).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd -- "$SCRIPT_DIR/../.." && pwd -P)"

PG_PORT="${FUPIN_PG_PORT:-55432}"
PG_FAST="${FUPIN_PG_FAST:-0}"
APP_ROLE="fupin"
APP_PASSWORD="fupin"
DATABASES=(fupin_registry fupin_funds fupin_tasks fupin_assessment fupin_monitoring)
START_TIMEOUT=60

VAR="$REPO/var"
LINK="$VAR/pg"
LOCK="$VAR/pg.lock"

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }
elapsed() {
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

# --- binaries and users ----------------------------------------------------------------------

find_bindir() { # newest /usr/lib/postgresql/N/bin holding initdb
  local d
  d="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n1 || true)"
  [[ -n "$d" ]] || return 1
  dirname "$d"
}

cmd_install() {
  local bindir t0
  if bindir="$(find_bindir)"; then
    log "PostgreSQL already installed ($bindir)"
    return 0
  fi
  t0="$(now_ms)"
  export DEBIAN_FRONTEND=noninteractive
  log "installing PostgreSQL from apt"
  if ! apt-get install -y --no-install-recommends postgresql; then
    log "apt-get install failed; running apt-get update and retrying"
    apt-get update
    apt-get install -y --no-install-recommends postgresql
  fi
  bindir="$(find_bindir)" || die "initdb still missing after apt-get install postgresql"
  # Debian's package creates (and may start) its own "main" cluster on 5432. It is left
  # alone: ours is a separate cluster with its own data folder and port.
  log "installed PostgreSQL ($bindir) in $(elapsed "$t0") s"
}

BINDIR=""
ensure_bindir() {
  [[ -n "$BINDIR" ]] && return 0
  if ! BINDIR="$(find_bindir)"; then
    cmd_install
    BINDIR="$(find_bindir)"
  fi
}

# The server refuses to run as root: as root, everything runs as the postgres system user;
# as any other user, as that user.
if [[ "$(id -u)" -eq 0 ]]; then
  RUN_AS="postgres"
  SUPERUSER="postgres"
else
  RUN_AS=""
  SUPERUSER="$(id -un)"
fi

as_pg() { # run a command as the cluster owner, from a directory it can read.
  # 9>&-: the start/stop lock must not be inherited by the postmaster.
  if [[ -n "$RUN_AS" ]]; then
    (cd / && exec runuser -u "$RUN_AS" -- "$@") 9>&-
  else
    "$@" 9>&-
  fi
}

# --- data folder -----------------------------------------------------------------------------

socket_path_ok() { # unix socket paths are limited to 107 bytes
  local path="$1/.s.PGSQL.$PG_PORT"
  (( ${#path} <= 100 ))
}

reachable_by_owner() { # can the cluster owner traverse every parent folder of $1?
  [[ -z "$RUN_AS" ]] || runuser -u "$RUN_AS" -- test -x "$1" 2>/dev/null
}

PGDATA=""
resolve_datadir() {
  [[ -n "$PGDATA" ]] && return 0
  mkdir -p "$VAR"
  if [[ -L "$LINK" ]]; then
    PGDATA="$(readlink -f "$LINK")"
  elif ! reachable_by_owner "$VAR" || ! socket_path_ok "$LINK"; then
    # postgres cannot traverse to the checkout (e.g. it lives under /root), or the socket
    # path would be too long: keep the cluster under /var/tmp, one per checkout.
    local hash
    hash="$(printf '%s' "$REPO" | sha256sum | cut -c1-10)"
    PGDATA="/var/tmp/fupin-pg-$hash"
    [[ -e "$LINK" ]] && die "$LINK exists but $RUN_AS cannot reach it; move it away"
    ln -s "$PGDATA" "$LINK"
    log "$VAR is not reachable by $RUN_AS (or too long a path): data in $PGDATA (symlinked from $LINK)"
  else
    PGDATA="$LINK"
  fi
  if [[ ! -d "$PGDATA" ]]; then
    mkdir -p "$PGDATA"
  fi
  chmod 700 "$PGDATA"
  if [[ -n "$RUN_AS" ]]; then
    chown "$RUN_AS:$RUN_AS" "$PGDATA"
  fi
}

pgctl() { as_pg "$BINDIR/pg_ctl" -D "$PGDATA" "$@"; }

is_initialized() { [[ -f "$PGDATA/PG_VERSION" ]]; }

is_running() { is_initialized && pgctl status >/dev/null 2>&1; }

is_ready() { "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; }

write_if_changed() { # write_if_changed FILE CONTENT -> 0 when the file changed
  local file="$1" content="$2"
  if [[ -f "$file" ]] && [[ "$(cat "$file")" == "$content" ]]; then
    return 1
  fi
  printf '%s\n' "$content" > "$file.tmp"
  if [[ -n "$RUN_AS" ]]; then chown "$RUN_AS:$RUN_AS" "$file.tmp"; fi
  chmod 600 "$file.tmp"
  mv -f "$file.tmp" "$file"
}

write_config() { # -> 0 when postgresql.conf settings or pg_hba.conf changed
  local sync_commit="on" changed=1
  [[ "$PG_FAST" == "1" ]] && sync_commit="off"
  if write_if_changed "$PGDATA/fupin.conf" "# Written by deploy/local/pg.sh on every start: edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
# 2 cores / 24 GB box shared with Kafka and the services; 300 connections for test suites
# that run several services with pools each.
max_connections = 300
shared_buffers = 512MB
effective_cache_size = 4GB
work_mem = 8MB
maintenance_work_mem = 128MB
max_wal_size = 2GB
checkpoint_timeout = 15min
# fsync stays on. FUPIN_PG_FAST=1 (make test) only relaxes commit durability: a crash can
# lose the last few hundred ms of commits, never corrupt the cluster.
synchronous_commit = $sync_commit
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = -1
log_timezone = 'UTC'"; then changed=0; fi
  if write_if_changed "$PGDATA/pg_hba.conf" "# Written by deploy/local/pg.sh on every start.
# TYPE  DATABASE  USER          ADDRESS        METHOD
local   all       $SUPERUSER    peer
local   all       all                          scram-sha-256
host    all       all           127.0.0.1/32   scram-sha-256"; then changed=0; fi
  if ! grep -q "^include_if_exists = 'fupin.conf'" "$PGDATA/postgresql.conf"; then
    printf "\n# Fupin settings (deploy/local/pg.sh)\ninclude_if_exists = 'fupin.conf'\n" >> "$PGDATA/postgresql.conf"
    changed=0
  fi
  return "$changed"
}

init_cluster() {
  local t0
  t0="$(now_ms)"
  if [[ -n "$(ls -A "$PGDATA")" ]]; then
    die "$PGDATA is not empty but has no PG_VERSION; remove it to re-create the cluster"
  fi
  as_pg "$BINDIR/initdb" -D "$PGDATA" -U "$SUPERUSER" --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >"$VAR/pg-initdb.log" 2>&1 \
    || { cat "$VAR/pg-initdb.log" >&2; die "initdb failed"; }
  log "initdb $PGDATA ($("$BINDIR/postgres" --version)) in $(elapsed "$t0") s"
}

psql_super() { # psql as the superuser over the unix socket in the data folder; SQL on stdin
  as_pg "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$PGDATA" -p "$PG_PORT" -U "$SUPERUSER" -d postgres
}

ensure_role_and_databases() {
  local dbs
  dbs="$(printf "'%s'," "${DATABASES[@]}")"
  dbs="${dbs%,}"
  psql_super <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN SUPERUSER PASSWORD '$APP_PASSWORD';
  ELSE
    ALTER ROLE $APP_ROLE LOGIN SUPERUSER PASSWORD '$APP_PASSWORD';
  END IF;
END
\$\$;
SELECT format('CREATE DATABASE %I OWNER $APP_ROLE', d)
  FROM unnest(ARRAY[$dbs]) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SQL
}

# --- commands --------------------------------------------------------------------------------

take_lock() { # serialize concurrent start/stop of the same checkout
  mkdir -p "$VAR"
  exec 9>"$LOCK"
  flock -w 120 9 || die "could not lock $LOCK"
}

cmd_start() {
  local t0 deadline
  take_lock
  ensure_bindir
  resolve_datadir
  t0="$(now_ms)"
  if is_running; then
    if write_config; then
      pgctl reload >/dev/null
      log "configuration changed; reloaded (port/shared_buffers/max_connections need stop+start)"
    fi
    if is_ready; then
      ensure_role_and_databases
      log "already running on 127.0.0.1:$PG_PORT (data $PGDATA)"
      return 0
    fi
  else
    if is_ready; then
      die "127.0.0.1:$PG_PORT already answers but our cluster ($PGDATA) is not running: port taken"
    fi
    is_initialized || init_cluster
    write_config || true
    local logfile="$PGDATA/server.log"
    # keep the log bounded across many test runs
    if [[ -f "$logfile" ]] && (( $(stat -c %s "$logfile") > 50 * 1024 * 1024 )); then
      mv -f "$logfile" "$logfile.1"
    fi
    t0="$(now_ms)"
    # -w: pg_ctl waits for postmaster.pid to report "ready" (and notices a server that dies
    # during start-up); the pg_isready loop below then confirms the TCP listener.
    pgctl -l "$logfile" -w -t "$START_TIMEOUT" start >/dev/null \
      || { tail -n 30 "$logfile" >&2 || true; die "pg_ctl start failed"; }
  fi

  deadline=$(( t0 + START_TIMEOUT * 1000 ))
  until is_ready; do
    if ! is_running; then
      tail -n 30 "$PGDATA/server.log" >&2 || true
      die "server exited during start-up"
    fi
    if (( $(now_ms) > deadline )); then
      tail -n 30 "$PGDATA/server.log" >&2 || true
      die "not ready after ${START_TIMEOUT} s"
    fi
    sleep 0.1
  done
  log "ready on 127.0.0.1:$PG_PORT $(elapsed "$t0") s after pg_ctl start (synchronous_commit=$([[ "$PG_FAST" == "1" ]] && echo off || echo on))"
  ensure_role_and_databases
}

cmd_stop() {
  take_lock
  ensure_bindir
  resolve_datadir
  if ! is_running; then
    log "not running"
    return 0
  fi
  local t0
  t0="$(now_ms)"
  pgctl stop -m fast -w -t 60 >/dev/null
  log "stopped in $(elapsed "$t0") s"
}

cmd_status() {
  local bindir
  if ! bindir="$(find_bindir)"; then
    echo "not installed"
    return 3
  fi
  BINDIR="$bindir"
  if [[ ! -e "$LINK" ]]; then
    echo "not running (no cluster yet: deploy/local/pg.sh start)"
    return 3
  fi
  resolve_datadir
  if is_running && is_ready; then
    echo "running: 127.0.0.1:$PG_PORT, data $PGDATA, $("$BINDIR/postgres" --version)"
    return 0
  fi
  if is_running; then echo "starting: data $PGDATA"; else echo "not running (data $PGDATA)"; fi
  return 3
}

cmd_url() { echo "postgresql+asyncpg://$APP_ROLE:$APP_PASSWORD@127.0.0.1:$PG_PORT/"; }

cmd_psql() {
  ensure_bindir
  PGPASSWORD="$APP_PASSWORD" exec "$BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$APP_ROLE" -d "${1:-postgres}" "${@:2}"
}

usage() {
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  [[ $# -ge 1 ]] || usage
  local cmd="$1"; shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) cmd_url ;;
    psql) cmd_psql "$@" ;;
    *) usage ;;
  esac
}

main "$@"
