#!/usr/bin/env bash
# `make serve`: the production stack on one machine, from the environment (or the project's .env).
# Checks the settings, collects the static files, migrates, then runs gunicorn, a Celery worker and
# Celery beat side by side. Ctrl-C or TERM stops all three; if one of them dies, the others are
# stopped too and the exit status says so. On a server, systemd runs the same three commands
# (deploy/scorecard-*.service, docs/deploy.md).
#
# Environment: DEBUG off, SECRET_KEY, DATABASE_URL (PostgreSQL), REDIS_URL or CELERY_BROKER_URL,
# ALLOWED_HOSTS; GUNICORN_BIND and the other GUNICORN_* (deploy/gunicorn.conf.py);
# WORKER_CONCURRENCY (Celery worker processes, default 2); PYTHON (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
BIN=$(dirname "$PY")
export DJANGO_SETTINGS_MODULE=scorecard.settings

# The settings as Django resolves them (environment, then .env): refuse what is not production.
"$PY" - <<'CHECK'
import sys

from django.core.exceptions import ImproperlyConfigured

try:
    from django.conf import settings

    settings.DEBUG  # noqa: B018 - loads the settings
except ImproperlyConfigured as error:
    sys.exit(f"make serve: {error}")
problems = []
if settings.DEBUG:
    problems.append("DEBUG is on: this is the production stack (`make run` is for development).")
if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    problems.append("DATABASE_URL must name PostgreSQL: postgres://user:password@host:5432/name")
if settings.CELERY_TASK_ALWAYS_EAGER:
    problems.append(
        "CELERY_TASK_ALWAYS_EAGER is on: the worker and beat need REDIS_URL or CELERY_BROKER_URL."
    )
if not settings.ALLOWED_HOSTS:
    problems.append("ALLOWED_HOSTS is empty: set the host names users reach the app at.")
if not problems and settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        problems.append(f"the broker {settings.CELERY_BROKER_URL} is not reachable ({error}).")
sys.exit("\n".join(f"make serve: {problem}" for problem in problems) or None)
CHECK

"$PY" manage.py collectstatic --no-input -v 0
"$PY" manage.py migrate --no-input

beat_state=$(mktemp -d "${TMPDIR:-/tmp}/scorecard-beat.XXXXXX")
pids=()
names=()
start() {
  local name=$1
  shift
  "$@" &
  pids+=("$!")
  names+=("$name")
  echo "make serve: started $name (pid $!)"
}
stop() {
  trap - INT TERM
  echo "make serve: stopping ${names[*]}"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
  rm -rf "$beat_state"
}
trap 'stop; exit 0' INT TERM

start web "$BIN/gunicorn" --config deploy/gunicorn.conf.py scorecard.wsgi:application
start worker "$BIN/celery" --app scorecard worker --loglevel INFO \
  --concurrency "${WORKER_CONCURRENCY:-2}" --hostname "scorecard@%h"
start beat "$BIN/celery" --app scorecard beat --loglevel INFO \
  --schedule "$beat_state/celerybeat-schedule"

# Wait for the first of the three to end: that is a failure, so stop the others.
status=0
wait -n -p ended "${pids[@]}" || status=$?
for i in "${!pids[@]}"; do
  if [ "${pids[$i]}" = "${ended:-}" ]; then
    echo "make serve: ${names[$i]} exited (status $status)" >&2
  fi
done
stop
exit $((status == 0 ? 1 : status))
