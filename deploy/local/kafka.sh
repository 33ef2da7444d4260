#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) for Fupin dev and tests, run from Maven Central jars.
#
#   deploy/local/kafka.sh install                    copy the broker jars to var/kafka/libs (once)
#   deploy/local/kafka.sh start                      install if needed, format once, start, wait ready
#   deploy/local/kafka.sh stop                       SIGTERM, wait <= 30 s, then SIGKILL
#   deploy/local/kafka.sh status                     exit 0 when running and reachable, 3 when not
#   deploy/local/kafka.sh topics-create NAME PARTS   create a topic (idempotent)
#   deploy/local/kafka.sh bootstrap                  print 127.0.0.1:PORT
#
# Env: FUPIN_KAFKA_PORT (19092), FUPIN_KAFKA_CONTROLLER_PORT (19093; fixed once the storage
# is formatted), FUPIN_KAFKA_VERSION (4.4.0, fallback 4.3.1), FUPIN_KAFKA_HEAP (-Xms512m -Xmx1g).
# Data: $REPO/var/kafka/{libs,data,logs}. Nothing is downloaded at run time except by
# `install` (Maven Central via mvn; apt for maven/Java when missing).
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO="$(cd -- "$SCRIPT_DIR/../.." && pwd -P)"

KAFKA_PORT="${FUPIN_KAFKA_PORT:-19092}"
CONTROLLER_PORT="${FUPIN_KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_VERSION="${FUPIN_KAFKA_VERSION:-4.4.0}"
KAFKA_FALLBACK_VERSION="4.3.1"
KAFKA_HEAP="${FUPIN_KAFKA_HEAP:--Xms512m -Xmx1g}"

POM="$SCRIPT_DIR/kafka/pom.xml"
TEMPLATE="$SCRIPT_DIR/kafka/server.properties.in"
LOG4J2="$SCRIPT_DIR/kafka/log4j2.properties"
HOME_DIR="$REPO/var/kafka"
LIBS="$HOME_DIR/libs"
DATA="$HOME_DIR/data"
LOGS="$HOME_DIR/logs"
PROPS="$HOME_DIR/server.properties"
PIDFILE="$HOME_DIR/kafka.pid"
MARKER="$LIBS/.installed"

START_TIMEOUT=90
STOP_TIMEOUT=30

log() { printf 'kafka.sh: %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

now_ms() { date +%s%3N; }
elapsed() { # elapsed START_MS -> "1.234"
  local d=$(( $(now_ms) - $1 ))
  printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends "$@"; then
    log "apt-get install $* failed; running apt-get update and retrying"
    apt-get update
    apt-get install -y --no-install-recommends "$@"
  fi
}

java_major() { # java_major /path/to/java -> 17
  local v
  v="$("$1" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  v="${v#1.}"
  printf '%s\n' "${v%%[.+-]*}"
}

find_java() {
  local c m
  local -a candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  if command -v java >/dev/null 2>&1; then candidates+=("$(command -v java)"); fi
  for c in /usr/lib/jvm/*17*/bin/java /usr/lib/jvm/*/bin/java; do
    [[ -x "$c" ]] && candidates+=("$c")
  done
  for c in "${candidates[@]}"; do
    [[ -x "$c" ]] || continue
    m="$(java_major "$c" 2>/dev/null || true)"
    if [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 17 )); then
      printf '%s\n' "$c"
      return 0
    fi
  done
  return 1
}

JAVA=""
ensure_java() {
  [[ -n "$JAVA" ]] && return 0
  if ! JAVA="$(find_java)"; then
    log "no Java 17+ found; installing openjdk-17-jre-headless"
    apt_install openjdk-17-jre-headless
    JAVA="$(find_java)" || die "Java 17+ still not found after install"
  fi
}

pom_hash() { sha256sum "$POM" | cut -c1-64; }

libs_ok() {
  [[ -f "$MARKER" ]] || return 1
  # marker = "<pom sha256> <kafka version>"; a changed pom or requested version reinstalls
  local hash version
  read -r hash version < "$MARKER" || return 1
  [[ "$hash" == "$(pom_hash)" ]] || return 1
  [[ "$version" == "$KAFKA_VERSION" || "$version" == "$KAFKA_FALLBACK_VERSION" ]] || return 1
  compgen -G "$LIBS/kafka_2.13-*.jar" >/dev/null
}

check_slf4j_binding() {
  local api
  api="$(compgen -G "$LIBS/slf4j-api-*.jar" | head -n1 || true)"
  [[ -n "$api" ]] || die "no slf4j-api jar in $LIBS"
  api="$(basename "$api" .jar)"; api="${api#slf4j-api-}"
  case "$api" in
    1.*) compgen -G "$LIBS/log4j-slf4j-impl-*.jar" >/dev/null \
           || die "slf4j-api $api needs log4j-slf4j-impl in $POM" ;;
    2.*) compgen -G "$LIBS/log4j-slf4j2-impl-*.jar" >/dev/null \
           || die "slf4j-api $api needs log4j-slf4j2-impl in $POM (replace log4j-slf4j-impl)" ;;
    *) die "unexpected slf4j-api version $api" ;;
  esac
  if compgen -G "$LIBS/log4j-slf4j-impl-*.jar" >/dev/null && compgen -G "$LIBS/log4j-slf4j2-impl-*.jar" >/dev/null; then
    die "both log4j-slf4j-impl and log4j-slf4j2-impl in $LIBS: keep only the one for slf4j-api $api"
  fi
  printf '%s\n' "$api"
}

copy_deps() { # copy_deps VERSION
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  mkdir -p "$HOME_DIR"
  # Output to a file (mvn -q still prints ANSI resets); shown only on failure.
  if ! mvn -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
      -Dkafka.version="$1" -DincludeScope=runtime -DoutputDirectory="$LIBS" \
      >"$HOME_DIR/mvn.log" 2>&1; then
    tail -n 40 "$HOME_DIR/mvn.log" >&2
    return 1
  fi
}

cmd_install() {
  if libs_ok; then
    log "jars already in $LIBS ($(cut -d' ' -f2 "$MARKER")); nothing to do"
    return 0
  fi
  local t0 version slf4j
  t0="$(now_ms)"
  ensure_java
  if ! command -v mvn >/dev/null 2>&1; then
    log "mvn missing; installing maven"
    apt_install maven
  fi
  version="$KAFKA_VERSION"
  if ! copy_deps "$version"; then
    log "Kafka $version did not resolve; falling back to $KAFKA_FALLBACK_VERSION"
    version="$KAFKA_FALLBACK_VERSION"
    copy_deps "$version" || die "could not resolve Kafka $version either"
  fi
  slf4j="$(check_slf4j_binding)"
  printf '%s %s\n' "$(pom_hash)" "$version" > "$MARKER"
  log "installed Kafka $version jars ($(find "$LIBS" -name '*.jar' | wc -l) jars, $(du -sh "$LIBS" | cut -f1), slf4j-api $slf4j) in $(elapsed "$t0") s"
}

# --- process helpers -------------------------------------------------------------------------

take_lock() { # serialize concurrent start/stop of the same checkout (fd 9, not inherited by the JVM)
  mkdir -p "$HOME_DIR"
  exec 9>"$HOME_DIR/kafka.lock"
  flock -w 120 9 || die "could not lock $HOME_DIR/kafka.lock"
}

read_pid() { [[ -f "$PIDFILE" ]] && tr -dc '0-9' < "$PIDFILE"; }

is_running() { # pid file names a live kafka.Kafka JVM of this checkout
  local pid
  pid="$(read_pid || true)"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $PROPS" || return 1
}

port_open() { # port_open PORT
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

started_in_log() {
  [[ -f "$LOGS/server.log" ]] && grep -q -e 'Kafka Server started' -e 'started (kafka.server' "$LOGS/server.log"
}

render_props() {
  local tmp="$PROPS.tmp"
  sed -e "s#@LOG_DIRS@#$DATA#g" \
      -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" \
      -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" "$TEMPLATE" > "$tmp"
  mv -f "$tmp" "$PROPS"
}

new_cluster_id() { # 16 random bytes, URL-safe base64 without padding, like Uuid.randomUuid()
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && "$id" != "AAAAAAAAAAAAAAAAAAAAAA" && "$id" != "AAAAAAAAAAAAAAAAAAAAAQ" ]] && break
  done
  printf '%s\n' "$id"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then
    return 0
  fi
  local cid t0
  t0="$(now_ms)"
  cid="$(new_cluster_id)"
  mkdir -p "$DATA"
  # kafka.tools.StorageTool lives in kafka_2.13 (checked for 4.4.0); the tools module never got it.
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.level=WARN \
      -cp "$LIBS/*" kafka.tools.StorageTool format --standalone \
      -t "$cid" -c "$PROPS" --ignore-formatted >"$LOGS/format.log" 2>&1 \
    || { cat "$LOGS/format.log" >&2; die "storage format failed"; }
  log "formatted $DATA (cluster id $cid) in $(elapsed "$t0") s"
}

cmd_start() {
  local t0 deadline pid
  take_lock
  t0="$(now_ms)"
  if is_running; then
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $(read_pid)) on 127.0.0.1:$KAFKA_PORT"
      return 0
    fi
    log "pid $(read_pid) is alive but port $KAFKA_PORT is closed; waiting for it"
  else
    if port_open "$KAFKA_PORT"; then
      die "127.0.0.1:$KAFKA_PORT is in use by another process (not ours: no live pid in $PIDFILE)"
    fi
    cmd_install
    ensure_java
    mkdir -p "$DATA" "$LOGS"
    render_props
    format_storage
    rm -f "$PIDFILE"
    # New log per start, so the readiness grep sees only this run.
    if [[ -f "$LOGS/server.log" ]]; then mv -f "$LOGS/server.log" "$LOGS/server.log.prev"; fi
    local -a jvm_opts
    read -r -a jvm_opts <<< "$KAFKA_HEAP"
    jvm_opts+=(-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
               -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
               "-Dlog4j2.configurationFile=$LOG4J2" "-Dkafka.logs.dir=$LOGS")
    # setsid + nohup: the broker outlives this shell; stdout/stderr (JVM errors, SLF4J
    # warnings) go to logs/stdout.log, the broker's own log to logs/server.log.
    t0="$(now_ms)"
    setsid nohup "$JAVA" "${jvm_opts[@]}" -cp "$LIBS/*" kafka.Kafka "$PROPS" \
        </dev/null >"$LOGS/stdout.log" 2>&1 9>&- &
    echo "$!" > "$PIDFILE"
    log "started pid $! (log: $LOGS/server.log)"
  fi

  deadline=$(( t0 + START_TIMEOUT * 1000 ))
  pid="$(read_pid)"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$LOGS/stdout.log" "$LOGS/server.log" >&2 2>/dev/null || true
      die "broker (pid $pid) exited during start-up"
    fi
    if port_open "$KAFKA_PORT" && started_in_log; then break; fi
    if (( $(now_ms) > deadline )); then
      tail -n 30 "$LOGS/server.log" >&2 2>/dev/null || true
      die "broker not ready after ${START_TIMEOUT} s"
    fi
    sleep 0.2
  done
  if grep -q -e 'SLF4J: Failed to load class' -e 'No SLF4J providers' -e 'SLF4J: Class path contains multiple' "$LOGS/stdout.log"; then
    log "WARNING: SLF4J binding problem, see $LOGS/stdout.log"
  fi
  log "ready on 127.0.0.1:$KAFKA_PORT $(elapsed "$t0") s after launching the JVM"
}

cmd_stop() {
  take_lock
  if ! is_running; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  local pid t0 deadline
  pid="$(read_pid)"
  t0="$(now_ms)"
  kill -TERM "$pid"
  deadline=$(( $(now_ms) + STOP_TIMEOUT * 1000 ))
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(now_ms) > deadline )); then
      log "pid $pid still alive after ${STOP_TIMEOUT} s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE"
  log "stopped pid $pid in $(elapsed "$t0") s"
}

cmd_status() {
  if is_running && port_open "$KAFKA_PORT"; then
    echo "running: pid $(read_pid), bootstrap 127.0.0.1:$KAFKA_PORT, data $DATA"
    return 0
  fi
  if is_running; then
    echo "starting: pid $(read_pid), port $KAFKA_PORT not open yet"
  else
    echo "not running"
  fi
  return 3
}

cmd_topics_create() {
  [[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || die "usage: kafka.sh topics-create NAME PARTITIONS"
  is_running || die "broker not running (deploy/local/kafka.sh start)"
  ensure_java
  # Client JVM: small and quick to start; log4j2 without a config logs errors only.
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.level=WARN \
      -cp "$LIBS/*" org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "127.0.0.1:$KAFKA_PORT" --create --if-not-exists \
      --topic "$1" --partitions "$2" --replication-factor 1
}

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
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
    topics-create) cmd_topics_create "$@" ;;
    bootstrap) echo "127.0.0.1:$KAFKA_PORT" ;;
    *) usage ;;
  esac
}

main "$@"
