#!/usr/bin/env bash
# Start the portal (web), a Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${GUANQI_HOST:-127.0.0.1}"
PORT="${GUANQI_PORT:-8000}"
# Links in e-mails point at the portal as it runs here, unless the operator set the public URL.
export GUANQI_PORTAL_URL="${GUANQI_PORTAL_URL:-http://$HOST:$PORT}"
mkdir -p var/log

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "Stopping web, worker and beat..."
    kill "${pids[@]}" 2>/dev/null || true
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

.venv/bin/celery -A portal worker --loglevel=INFO --concurrency=2 -Q default,notifications,jobs,exports >var/log/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A portal beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/log/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" --noreload >var/log/web.log 2>&1 &
pids+=($!)

for _ in $(seq 100); do
    curl -fsS "http://$HOST:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done

cat <<TXT

  Guanqi is running:  http://$HOST:$PORT/
  Admin:              http://$HOST:$PORT/admin/
  API docs:           http://$HOST:$PORT/api/docs/
  Logs:               var/log/web.log, var/log/worker.log, var/log/beat.log

  Demo logins (password for all: $($PY manage.py load_demo --print-password)):
$($PY manage.py load_demo --print-logins | sed 's/^/    /')

  Customs staff (admin, manager.bj, officer.bj, coordinator*.bj) then enter a second-factor code:
  run  $PY manage.py demo_code USERNAME  (development only), or add the demo key
  GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ to an authenticator app (TOTP, 6 digits, 30 s).

  Press Ctrl-C to stop web, worker and beat.
TXT
wait -n "${pids[@]}"
echo "A process exited; see var/log/." >&2
