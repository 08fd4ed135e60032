"""Checks that the PostgreSQL and Redis the test suite needs are reachable, before it starts.

`make test` runs this first: the suite never falls back to SQLite or to in-process tasks. When a
service is down it says which one and the command that starts it, and exits non-zero.
"""

import os
import sys
from urllib.parse import urlsplit

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no'


def check_postgres(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql", "postgis"):
        return f"DATABASE_URL must name PostgreSQL for the test suite, not {parts.scheme!r} ({url})"
    import psycopg2

    try:
        conn = psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or None,
            dbname="postgres",
            connect_timeout=3,
        )
        conn.close()
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            f"PostgreSQL is not reachable at {parts.hostname}:{parts.port or 5432} ({first}).\n"
            f"  Start it with: {START_POSTGRES}"
        )
    return None


def check_redis(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {url} ({exc}).\n  Start it with: {START_REDIS}"
    return None


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    problems = []
    if not database_url:
        problems.append("DATABASE_URL is not set: the test suite runs on PostgreSQL only.")
    else:
        problems.append(check_postgres(database_url))
    if not redis_url:
        problems.append("REDIS_URL is not set: the test suite needs a real Redis.")
    else:
        problems.append(check_redis(redis_url))
    problems = [p for p in problems if p]
    for problem in problems:
        print(f"make test: {problem}", file=sys.stderr)
    if not problems:
        print(f"PostgreSQL and Redis reachable ({urlsplit(database_url).netloc}, {redis_url}).")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
