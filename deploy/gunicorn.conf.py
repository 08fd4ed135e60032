"""gunicorn's settings for scorecard, read from the environment (systemd's EnvironmentFile, or
the shell of `make serve`). Used as
`gunicorn --config deploy/gunicorn.conf.py scorecard.wsgi:application`.

GUNICORN_BIND        address to listen on (default 127.0.0.1:8000; the reverse proxy in front)
WEB_CONCURRENCY      worker processes (default 2 x CPUs + 1, at most 8)
GUNICORN_THREADS     threads per worker (default 1)
GUNICORN_TIMEOUT     seconds before a silent worker is killed and replaced (default 60)
GUNICORN_ACCESS_LOG  unset or "": none (default: the app logs every request with its fields,
                     scorecard.requests); "-": stdout, i.e. the journal; or a file
FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-* (gunicorn reads it; default 127.0.0.1)
"""

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = [os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"]
workers = _int("WEB_CONCURRENCY", min(2 * (os.cpu_count() or 1) + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
# the slowest requests (a bulletin's PDF, a province month's import) take seconds, not minutes
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# a worker is replaced after this many requests (jittered so they do not all restart at once)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "").strip() or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "scorecard-web"
# the heartbeat files in memory, not on a possibly slow disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn 24+ opens a control socket in the user's home by default; nothing here uses it
control_socket_disable = True
