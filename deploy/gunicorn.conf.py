"""gunicorn's settings for scorecard, read from the environment (systemd's EnvironmentFile, or
the shell of `make serve`). Used as
`gunicorn --config deploy/gunicorn.conf.py scorecard.wsgi:application`.

GUNICORN_BIND        address to listen on (default 127.0.0.1:8000; the reverse proxy in front)
WEB_CONCURRENCY      worker processes (default 2 x CPUs + 1, at most 8)
GUNICORN_THREADS     threads per worker (default 4; 1: gunicorn's sync worker)
GUNICORN_PRELOAD     "0": each worker imports the app itself (default: the master imports it
                     once and forks the workers from it)
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
# Threads (gunicorn's gthread worker): while one request waits on PostgreSQL or Redis, the
# worker serves another. With 2 workers, 4 threads served the leaders' pages about 1.5 times as
# fast as 1 thread under bench/bench_load.py (2 and 8 did worse than 4). Each thread has its own
# database connection; requests share no mutable module state but thread-safe caches and
# matplotlib's style settings, which the bulletin's charts (supervision/charts.py) set around
# each drawing to the same font. Unlike the sync worker, a request stuck past GUNICORN_TIMEOUT
# no longer gets its worker killed: the timeout only catches a worker whose main loop stops.
threads = _int("GUNICORN_THREADS", 4)
# the slowest requests (a bulletin's PDF, a province month's import) take seconds, not minutes
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# A worker is replaced after this many requests (jittered so they do not all restart at once),
# a guard against memory that grows. A new worker warms up again (its database connections,
# compiled templates, translation catalogue): with 1000, at 100 requests a second each worker
# restarted every 20 s and that cost about 15 % of the CPU under bench/bench_load.py.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = max_requests // 10
# The app is imported once, by the master, and every worker is forked from it: a worker
# replaced after max_requests is ready at once instead of importing Django and the app again
# (about 1.5 s of CPU, during which the other workers carry the load), and the workers share
# the imported code's memory. Nothing connects to PostgreSQL or Redis on import, so no
# connection is shared between workers. New code needs a restart (`systemctl restart`, as
# docs/deploy.md upgrades do): a reload (HUP) replaces the workers from the same import.
preload_app = os.environ.get("GUNICORN_PRELOAD", "").strip() != "0"

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "").strip() or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "scorecard-web"
# the heartbeat files in memory, not on a possibly slow disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn 24+ opens a control socket in the user's home by default; nothing here uses it
control_socket_disable = True
