#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for `make run` / `make test`.
#
#   scripts/services.sh install   install Debian packages that are missing (root only, once)
#   scripts/services.sh start     start both on loopback, data under var/ (idempotent)
#   scripts/services.sh stop      stop both
#   scripts/services.sh env       print the DATABASE_URL / REDIS_URL lines for the instances
#
# Where DATABASE_URL / REDIS_URL are already set, the corresponding local instance is not touched:
# the operator has configured a real one.
#
# PostgreSQL refuses to run as root, so the cluster is created and run by the unprivileged `postgres`
# account the Debian package creates, on a data directory it owns. Ports 54329 / 63799 avoid clashing
# with system services on 5432 / 6379.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VAR="${GUANQI_VAR:-$ROOT/var}"
PG_PORT="${GUANQI_PG_PORT:-54329}"
REDIS_PORT="${GUANQI_REDIS_PORT:-63799}"
PG_DATA="$VAR/postgres"
PG_RUN="$VAR/postgres-run"
REDIS_DIR="$VAR/redis"
DB_NAME=guanqi
DB_USER=guanqi

log() { echo "[services] $*" >&2; }

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
    done
    return 1
}

need_packages() {
    local missing=()
    if [ -z "${DATABASE_URL:-}" ] && ! pg_bin >/dev/null; then missing+=(postgresql); fi
    if [ -z "${REDIS_URL:-}" ] && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
    if [ "${NEED_CHROMIUM:-0}" = 1 ] && ! command -v chromium >/dev/null; then missing+=(chromium); fi
    if [ "${NEED_WRK:-0}" = 1 ] && ! command -v wrk >/dev/null; then missing+=(wrk); fi
    if ! command -v msgfmt >/dev/null; then missing+=(gettext); fi
    echo "${missing[@]:-}"
}

cmd_install() {
    local missing
    missing="$(need_packages)"
    [ -z "${missing// /}" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        log "missing Debian packages: $missing — install them (as root) and run again"
        exit 1
    fi
    log "installing Debian packages: $missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
    # The Debian package may start a system cluster / redis on the default ports; ours are separate.
}

as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# The postgres account must be able to reach its data directory. When the checkout lives where it
# can't (e.g. under /root, mode 700), the cluster goes to /var/lib/guanqi/<checkout hash> instead.
choose_pg_dirs() {
    mkdir -p "$VAR"
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$VAR" 2>/dev/null; then
        local alt
        alt="/var/lib/guanqi/$(echo "$ROOT" | md5sum | cut -c1-12)"
        mkdir -p "$alt"
        chown postgres:postgres "$alt"
        PG_DATA="$alt/postgres"
        PG_RUN="$alt/postgres-run"
    fi
}

start_postgres() {
    [ -n "${DATABASE_URL:-}" ] && return 0
    local bin
    bin="$(pg_bin)" || { log "PostgreSQL is not installed (run: scripts/services.sh install)"; exit 1; }
    choose_pg_dirs
    if [ ! -s "$PG_DATA/PG_VERSION" ]; then
        log "creating PostgreSQL cluster in $PG_DATA"
        mkdir -p "$PG_DATA" "$PG_RUN"
        [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA" "$PG_RUN"
        chmod 700 "$PG_DATA"
        as_postgres "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust --encoding=UTF8 \
            --locale=C.UTF-8 >/dev/null
    fi
    mkdir -p "$PG_RUN"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_RUN"
    if ! as_postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
        log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
        as_postgres "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_DATA/server.log" -w -t 60 start \
            -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_RUN -c fsync=off -c synchronous_commit=off -c max_connections=200" >/dev/null
    fi
    local psql="$bin/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d postgres -qtAX"
    if [ "$($psql -c "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
        $psql -c "create role $DB_USER login createdb superuser" >/dev/null
    fi
    if [ "$($psql -c "select 1 from pg_database where datname='$DB_NAME'")" != 1 ]; then
        $psql -c "create database $DB_NAME owner $DB_USER" >/dev/null
    fi
}

start_redis() {
    [ -n "${REDIS_URL:-}" ] && return 0
    command -v redis-server >/dev/null || { log "redis-server is not installed (run: scripts/services.sh install)"; exit 1; }
    mkdir -p "$REDIS_DIR"
    if redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then return 0; fi
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --daemonize yes \
        --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" --save "" --appendonly no
    for _ in $(seq 50); do
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    log "Redis did not start; see $REDIS_DIR/redis.log"; exit 1
}

cmd_stop() {
    local bin
    choose_pg_dirs
    if [ -z "${DATABASE_URL:-}" ] && bin="$(pg_bin)" && [ -s "$PG_DATA/PG_VERSION" ]; then
        as_postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast stop >/dev/null 2>&1 || true
    fi
    if [ -z "${REDIS_URL:-}" ]; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    fi
}

cmd_env() {
    echo "DATABASE_URL=${DATABASE_URL:-postgres://$DB_USER@127.0.0.1:$PG_PORT/$DB_NAME}"
    echo "REDIS_URL=${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT/0}"
}

case "${1:-}" in
    install) cmd_install ;;
    start) start_postgres; start_redis ;;
    stop) cmd_stop ;;
    env) cmd_env ;;
    *) echo "usage: $0 install|start|stop|env" >&2; exit 2 ;;
esac
