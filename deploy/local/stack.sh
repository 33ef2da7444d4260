#!/usr/bin/env bash
# The local full stack: every installed Fupin service as its own process (`fupin serve <svc>`, API
# plus its relay and consumers) on ports 8001-8005, against the project's PostgreSQL and Kafka.
#
#   deploy/local/stack.sh up       migrate every service's database, start the services, wait for /readyz
#   deploy/local/stack.sh down     stop them (SIGTERM, SIGKILL after 15 s); idempotent
#   deploy/local/stack.sh status   exit 0 when every installed service answers /readyz, 3 otherwise
#   deploy/local/stack.sh env      print the environment the services run with (for a shell: eval)
#
# PostgreSQL and Kafka must already run (deploy/local/pg.sh start, deploy/local/kafka.sh start, or
# `make stack-up`, which does both). State: var/stack/<svc>.pid, var/stack/<svc>.log and
# var/stack/secrets.env (FUPIN_PSEUDONYM_KEY, generated once, mode 600). Tokens for the stack:
# `.venv/bin/fupin token --client city-admin` (signed with var/keys/signing-key.json, whose public
# keys the services verify against while FUPIN_AUTH_JWKS is empty).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="$ROOT/var/stack"
BIN="$ROOT/.venv/bin"
STOP_GRACE_SECONDS="${FUPIN_STACK_STOP_GRACE:-15}"
READY_TIMEOUT_SECONDS="${FUPIN_STACK_READY_TIMEOUT:-90}"

declare -A PORT=([registry]=8001 [funds]=8002 [tasks]=8003 [assessment]=8004 [monitoring]=8005)

log() { printf 'stack: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

installed_services() {
    "$BIN/python" -c 'from fupin_platform.services import installed; print(*installed())'
}

pid_alive() { [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null; }

service_pid() {
    local file="$STATE/$1.pid"
    [[ -f "$file" ]] && cat "$file"
}

ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${PORT[$1]}/readyz"; }

ensure_secrets() {
    mkdir -p "$STATE"
    if [[ ! -s "$STATE/secrets.env" ]]; then
        (umask 077 && printf 'FUPIN_PSEUDONYM_KEY=%s\n' \
            "$("$BIN/python" -c 'import secrets; print(secrets.token_hex(32))')" > "$STATE/secrets.env.tmp")
        mv "$STATE/secrets.env.tmp" "$STATE/secrets.env"
        log "generated $STATE/secrets.env"
    fi
}

# Exports the environment every service process gets.
export_env() {
    local pg_url bootstrap svc
    pg_url="$("$ROOT/deploy/local/pg.sh" url)"
    bootstrap="$("$ROOT/deploy/local/kafka.sh" bootstrap)"
    set -a
    # shellcheck disable=SC1091
    source "$STATE/secrets.env"
    set +a
    export FUPIN_MODE=stack FUPIN_BUS=kafka FUPIN_KAFKA_BOOTSTRAP="$bootstrap" FUPIN_DEMO_CLIENTS=false
    for svc in "${!PORT[@]}"; do
        export "FUPIN_${svc^^}_DATABASE_URL=${pg_url}fupin_${svc}"
    done
}

require_infrastructure() {
    "$ROOT/deploy/local/pg.sh" status >/dev/null 2>&1 \
        || die "PostgreSQL is not running: deploy/local/pg.sh start (or make stack-up)"
    "$ROOT/deploy/local/kafka.sh" status >/dev/null 2>&1 \
        || die "Kafka is not running: deploy/local/kafka.sh start (or make stack-up)"
}

# Runs in the background subshell of one service: closes every inherited descriptor above 2 — our
# stack.lock (fd 9) and any lock a caller holds around us (`flock /tmp/x.lock stack.sh up` hands its
# fd down) — so a long-running service never holds (and blocks) a lock; then becomes the service.
start_service() {
    local fd
    for fd in "/proc/$BASHPID/fd/"*; do
        fd="${fd##*/}"
        ((fd > 2)) && eval "exec ${fd}>&-" 2>/dev/null
    done
    exec setsid "$BIN/fupin" serve "$1" --host 127.0.0.1 --port "${PORT[$1]}"
}

cmd_up() {
    [[ -x "$BIN/fupin" ]] || die "no $BIN/fupin: run make venv first"
    require_infrastructure
    ensure_secrets
    export_env
    local services started=() svc pid
    read -r -a services <<< "$(installed_services)"
    [[ ${#services[@]} -gt 0 ]] || die "no Fupin service is installed in $BIN"
    log "services: ${services[*]}"

    local t0=$SECONDS
    "$BIN/fupin" migrate all >"$STATE/migrate.log" 2>&1 || { cat "$STATE/migrate.log" >&2; die "migrations failed"; }
    log "migrated in $((SECONDS - t0)) s"

    for svc in "${services[@]}"; do
        pid="$(service_pid "$svc" || true)"
        if pid_alive "$pid"; then
            log "$svc already running (pid $pid)"
            continue
        fi
        # setsid: the service leads its own process group, so `down` signals it and nothing else
        start_service "$svc" >>"$STATE/$svc.log" 2>&1 < /dev/null &
        echo $! > "$STATE/$svc.pid"
        started+=("$svc")
        log "$svc starting on :${PORT[$svc]} (pid $!, log var/stack/$svc.log)"
    done

    local deadline=$((SECONDS + READY_TIMEOUT_SECONDS)) waiting=("${services[@]}") still
    t0=$SECONDS
    while ((${#waiting[@]})); do
        still=()
        for svc in "${waiting[@]}"; do
            if ready "$svc"; then
                log "$svc ready on :${PORT[$svc]} after $((SECONDS - t0)) s"
            elif ! pid_alive "$(service_pid "$svc")"; then
                tail -n 30 "$STATE/$svc.log" >&2 || true
                die "$svc exited during start (see var/stack/$svc.log)"
            else
                still+=("$svc")
            fi
        done
        waiting=("${still[@]+"${still[@]}"}")
        if ((${#waiting[@]})) && ((SECONDS >= deadline)); then
            die "not ready after ${READY_TIMEOUT_SECONDS} s: ${waiting[*]} (see var/stack/*.log)"
        fi
        ((${#waiting[@]})) && sleep 0.2
    done
    log "up: ${services[*]} ready in $((SECONDS - t0)) s"
}

stop_one() {
    local svc="$1" pid waited=0
    pid="$(service_pid "$svc" || true)"
    if ! pid_alive "$pid"; then
        rm -f "$STATE/$svc.pid"
        return 0
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    while pid_alive "$pid" && ((waited < STOP_GRACE_SECONDS * 10)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if pid_alive "$pid"; then
        log "$svc did not stop within ${STOP_GRACE_SECONDS} s, killing"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$STATE/$svc.pid"
    log "$svc stopped"
}

cmd_down() {
    [[ -d "$STATE" ]] || return 0
    local svc
    # stop in reverse start order: readers first, so nothing consumes from a service being stopped
    for svc in monitoring assessment tasks funds registry; do
        stop_one "$svc"
    done
}

cmd_status() {
    local services svc pid status=0
    read -r -a services <<< "$(installed_services)"
    for svc in "${services[@]}"; do
        pid="$(service_pid "$svc" || true)"
        if pid_alive "$pid" && ready "$svc"; then
            echo "$svc: ready on :${PORT[$svc]} (pid $pid)"
        elif pid_alive "$pid"; then
            echo "$svc: running but not ready on :${PORT[$svc]} (pid $pid)"
            status=3
        else
            echo "$svc: stopped"
            status=3
        fi
    done
    return "$status"
}

cmd_env() {
    ensure_secrets
    export_env
    env | grep '^FUPIN_' | sort | sed 's/^/export /'
}

# up and down of the same checkout never interleave (parallel test workers, make targets)
with_lock() {
    mkdir -p "$STATE"
    exec 9>"$STATE/stack.lock"
    flock -w 300 9 || die "another stack.sh up/down holds $STATE/stack.lock"
    "$@"
}

case "${1:-}" in
    up) with_lock cmd_up ;;
    down) with_lock cmd_down ;;
    status) cmd_status ;;
    env) cmd_env ;;
    *) echo "usage: $0 up|down|status|env" >&2; exit 2 ;;
esac
