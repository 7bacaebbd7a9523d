#!/usr/bin/env bash
# A real Guanqi cluster on one machine (docs/OPERATIONS.md, "Scaling out"):
#
#   PostgreSQL primary 55432 ──streaming──▶ replica 55433 (pg_basebackup -R, hot standby)
#   Redis 63810 (broker, cache)
#   nginx 8490 ──▶ gunicorn web-a 8491, web-b 8492 (production settings, 2 sync workers each)
#   Celery: notify-a, notify-b (queues notifications, default), jobs-a, jobs-b (queues jobs, exports)
#   Celery beat on node a, holding a Redis lock (scripts/cluster/beat.py): a second beat waits
#
#   scripts/cluster/cluster.sh start    install missing Debian packages, start everything (idempotent)
#   scripts/cluster/cluster.sh stop     stop every process it started
#   scripts/cluster/cluster.sh status   what runs
#   scripts/cluster/cluster.sh env      the environment of a node (for manage.py against the cluster)
#   scripts/cluster/cluster.sh kill-web b | kill-worker jobs-a | stop-replica | start-web b ...
#
# Data, logs and pid files live under var/cluster/. PostgreSQL runs as the unprivileged `postgres`
# account (it refuses root); nginx's workers run as www-data; the rest as the invoking user.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
C="$ROOT/var/cluster"
PG_PRIMARY_PORT=55432
PG_REPLICA_PORT=55433
REDIS_PORT=63810
NGINX_PORT=8490
declare -A WEB_PORT=([a]=8491 [b]=8492)
WEB_WORKERS="${CLUSTER_WEB_WORKERS:-2}"
PY="$ROOT/.venv/bin/python"

log() { echo "[cluster] $*" >&2; }

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }; done
    return 1
}

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Where the postgres account can reach its data (as scripts/services.sh does).
pg_dir() {
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$ROOT/var" 2>/dev/null; then
        echo "/var/lib/guanqi/$(echo "$ROOT" | md5sum | cut -c1-12)/cluster"
    else
        echo "$C"
    fi
}
PGD="$(pg_dir)"

install_packages() {
    local missing=()
    pg_bin >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
    command -v wrk >/dev/null || missing+=(wrk)
    [ ${#missing[@]} = 0 ] && return 0
    [ "$(id -u)" = 0 ] || { log "missing Debian packages: ${missing[*]} (install them as root)"; exit 1; }
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # The packages must not start their own system services (port 80, 5432, 6379): only ours run.
    local guard=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
    fi
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ "$guard" = 1 ] && rm -f /usr/sbin/policy-rc.d
    return 0
}

secret_key() {
    mkdir -p "$C"
    [ -s "$C/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(64))' >"$C/secret_key"
    cat "$C/secret_key"
}

# The environment of every node: production settings, loopback without TLS (a real deployment
# terminates TLS at the proxy and keeps the secure-cookie defaults).
node_env() {
    cat <<EOF
DJANGO_SETTINGS_MODULE=portal.settings
DEBUG=0
SECRET_KEY=$(secret_key)
ALLOWED_HOSTS=127.0.0.1,localhost
SECURE_SSL_REDIRECT=0
SESSION_COOKIE_SECURE=0
CSRF_COOKIE_SECURE=0
SECURE_HSTS_SECONDS=0
DATABASE_URL=postgres://guanqi@127.0.0.1:$PG_PRIMARY_PORT/guanqi
DATABASE_REPLICA_URLS=postgres://guanqi@127.0.0.1:$PG_REPLICA_PORT/guanqi
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
STATIC_ROOT=$C/static
MEDIA_ROOT=$C/media
EMAIL_URL=filemail:///$C/mail
GUANQI_PORTAL_URL=http://127.0.0.1:$NGINX_PORT
GUANQI_JOB_CHUNKS=${GUANQI_JOB_CHUNKS:-8}
GUANQI_JOB_BATCH_SIZE=${GUANQI_JOB_BATCH_SIZE:-100}
CELERY_VISIBILITY_TIMEOUT=${CELERY_VISIBILITY_TIMEOUT:-20}
CELERY_UNACKED_RESTORE_INTERVAL=2
LOG_LEVEL=WARNING
EOF
}

with_env() {
    local env_args
    mapfile -t env_args < <(node_env)
    env "${env_args[@]}" "$@"
}

alive() { [ -s "$C/run/$1.pid" ] && kill -0 "$(cat "$C/run/$1.pid")" 2>/dev/null; }

# Start "$@" as a daemon in its own process group (so a node can be killed whole), pid in run/NAME.pid.
spawn() {
    local name="$1"
    shift
    alive "$name" && return 0
    # exec: the pid recorded is the process itself, leader of its own session and process group.
    local env_args
    mapfile -t env_args < <(node_env)
    (cd "$ROOT" && exec setsid env "${env_args[@]}" "$@" >>"$C/log/$name.log" 2>&1 </dev/null) &
    echo $! >"$C/run/$name.pid"
}

start_postgres() {
    local bin psql
    bin="$(pg_bin)"
    mkdir -p "$PGD" "$PGD/run"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGD" "$PGD/run"
    if [ ! -s "$PGD/primary/PG_VERSION" ]; then
        log "creating the primary in $PGD/primary"
        as_postgres "$bin/initdb" -D "$PGD/primary" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_postgres "$bin/pg_ctl" -D "$PGD/primary" status >/dev/null 2>&1; then
        log "starting the primary on 127.0.0.1:$PG_PRIMARY_PORT"
        as_postgres "$bin/pg_ctl" -D "$PGD/primary" -l "$PGD/primary.log" -w -t 60 start -o \
            "-p $PG_PRIMARY_PORT -c listen_addresses=127.0.0.1 -k $PGD/run -c max_connections=200 -c wal_level=replica -c max_wal_senders=5 -c wal_keep_size=256MB -c synchronous_commit=off" >/dev/null
    fi
    psql="$bin/psql -h 127.0.0.1 -p $PG_PRIMARY_PORT -U postgres -d postgres -qtAX"
    [ "$($psql -c "select 1 from pg_roles where rolname='guanqi'")" = 1 ] || $psql -c "create role guanqi login superuser" >/dev/null
    [ "$($psql -c "select 1 from pg_database where datname='guanqi'")" = 1 ] || $psql -c "create database guanqi owner guanqi" >/dev/null
    if [ ! -s "$PGD/replica/PG_VERSION" ]; then
        log "creating the replica with pg_basebackup -R"
        as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$PGD/replica" -R -X stream -c fast
    fi
    start_replica
}

start_replica() {
    local bin
    bin="$(pg_bin)"
    if ! as_postgres "$bin/pg_ctl" -D "$PGD/replica" status >/dev/null 2>&1; then
        log "starting the replica on 127.0.0.1:$PG_REPLICA_PORT"
        as_postgres "$bin/pg_ctl" -D "$PGD/replica" -l "$PGD/replica.log" -w -t 60 start -o \
            "-p $PG_REPLICA_PORT -c listen_addresses=127.0.0.1 -k $PGD/run -c max_connections=200 -c hot_standby=on" >/dev/null
    fi
}

stop_replica() {
    as_postgres "$(pg_bin)/pg_ctl" -D "$PGD/replica" -m immediate stop >/dev/null 2>&1 || true
}

start_redis() {
    mkdir -p "$C/redis"
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$C/redis" --daemonize yes \
        --pidfile "$C/run/redis.pid" --logfile "$C/log/redis.log" --save "" --appendonly yes \
        </dev/null >/dev/null 2>&1
    for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    log "Redis did not start; see $C/log/redis.log"; exit 1
}

prepare_app() {
    (cd "$ROOT" && with_env "$PY" manage.py compilemessages -v0 --ignore=.venv)
    (cd "$ROOT" && with_env "$PY" manage.py migrate --no-input -v0)
    (cd "$ROOT" && with_env "$PY" manage.py collectstatic --no-input -v0)
    if [ ! -e "$C/demo-loaded" ]; then
        (cd "$ROOT" && with_env "$PY" manage.py load_demo) >"$C/log/load_demo.log" && touch "$C/demo-loaded"
    fi
}

start_web() {
    local node="$1"
    spawn "web-$node" "$ROOT/.venv/bin/gunicorn" portal.wsgi:application --bind "127.0.0.1:${WEB_PORT[$node]}" \
        --workers "$WEB_WORKERS" --timeout 30 --graceful-timeout 10 --name "guanqi-web-$node"
}

start_worker() {
    local name="$1" queues="$2"
    spawn "$name" "$ROOT/.venv/bin/celery" -A portal worker -n "$name@%h" -Q "$queues" --concurrency 1 \
        --prefetch-multiplier 1 --without-gossip --without-mingle --loglevel INFO
}

start_beat() {
    spawn "beat-$1" "$PY" "$ROOT/scripts/cluster/beat.py" --node "$1" --schedule "$C/run/celerybeat-$1"
}

start_nginx() {
    mkdir -p "$C/nginx/tmp"
    [ "$(id -u)" = 0 ] && chown -R www-data "$C/nginx/tmp"
    sed -e "s|@C@|$C|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@WEB_A@|${WEB_PORT[a]}|g" -e "s|@WEB_B@|${WEB_PORT[b]}|g" \
        -e "s|@USER@|$([ "$(id -u)" = 0 ] && echo "user www-data;" || echo "")|" \
        "$ROOT/scripts/cluster/nginx.conf" >"$C/nginx/nginx.conf"
    if alive nginx; then
        /usr/sbin/nginx -p "$C/nginx" -c "$C/nginx/nginx.conf" -s reload
    else
        log "starting nginx on 127.0.0.1:$NGINX_PORT"
        /usr/sbin/nginx -p "$C/nginx" -c "$C/nginx/nginx.conf" </dev/null >>"$C/log/nginx-error.log" 2>&1
    fi
}

wait_http() {
    local url="$1"
    for _ in $(seq 120); do
        curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
        sleep 0.5
    done
    log "no answer from $url (see $C/log/)"; exit 1
}

cmd_start() {
    install_packages
    mkdir -p "$C/log" "$C/run" "$C/media" "$C/mail"
    start_postgres
    start_redis
    prepare_app
    start_web a
    start_web b
    start_worker notify-a notifications,default
    start_worker notify-b notifications,default
    start_worker jobs-a jobs,exports
    start_worker jobs-b jobs,exports
    start_beat a
    start_beat b  # waits for the lock: takes over within 15 s if node a dies
    start_nginx
    wait_http "http://127.0.0.1:${WEB_PORT[a]}/healthz"
    wait_http "http://127.0.0.1:${WEB_PORT[b]}/healthz"
    wait_http "http://127.0.0.1:$NGINX_PORT/healthz"
    log "up: http://127.0.0.1:$NGINX_PORT/ (demo logins as in README.md; logs in $C/log)"
}

# Stop one process group: TERM, then KILL after a grace period.
stop_group() {
    local name="$1" signal="${2:-TERM}" pid
    [ -s "$C/run/$name.pid" ] || return 0
    pid="$(cat "$C/run/$name.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        kill "-$signal" -- "-$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    rm -f "$C/run/$name.pid"
}

cmd_stop() {
    local name bin
    if [ -s "$C/nginx/logs/nginx.pid" ] || [ -s "$C/run/nginx.pid" ]; then
        /usr/sbin/nginx -p "$C/nginx" -c "$C/nginx/nginx.conf" -s quit 2>/dev/null || true
    fi
    for name in beat-a beat-b web-a web-b notify-a notify-b jobs-a jobs-b; do stop_group "$name"; done
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    if bin="$(pg_bin)"; then
        for name in replica primary; do
            [ -s "$PGD/$name/PG_VERSION" ] && as_postgres "$bin/pg_ctl" -D "$PGD/$name" -m fast stop >/dev/null 2>&1 || true
        done
    fi
    for _ in $(seq 50); do alive nginx || break; sleep 0.1; done
    log "stopped"
}

cmd_status() {
    local name bin
    bin="$(pg_bin)"
    for name in primary replica; do
        printf '%-10s %s\n' "$name" "$(as_postgres "$bin/pg_ctl" -D "$PGD/$name" status >/dev/null 2>&1 && echo running || echo stopped)"
    done
    printf '%-10s %s\n' redis "$(redis-cli -p "$REDIS_PORT" ping 2>/dev/null || echo stopped)"
    for name in nginx web-a web-b notify-a notify-b jobs-a jobs-b beat-a beat-b; do
        printf '%-10s %s\n' "$name" "$(alive "$name" && echo "running (pid $(cat "$C/run/$name.pid"))" || echo stopped)"
    done
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) node_env ;;
    kill-web) stop_group "web-$2" KILL ;;
    start-web) start_web "$2" ;;
    kill-worker) stop_group "$2" KILL ;;
    start-worker) start_worker "$2" "$3" ;;
    start-beat) start_beat "$2" ;;
    stop-replica) stop_replica ;;
    start-replica) start_replica ;;
    *) echo "usage: $0 start|stop|status|env|kill-web NODE|start-web NODE|kill-worker NAME|stop-replica|start-replica" >&2; exit 2 ;;
esac
