# Sourced by backup.sh and restore.sh: `use_database_url URL` sets libpq's environment (PGHOST,
# PGPORT, PGUSER, PGPASSWORD, PGDATABASE and any ?sslmode=…) from a DATABASE_URL as the app reads
# it (postgres://, postgresql://, pgsql://, psql://), so that the password never shows on the
# command line of pg_dump or psql (ps). A URL without a password leaves PGPASSWORD (or
# ~/.pgpass) to give it. PG_BIN, when set, is the folder of the client programs to use (a server
# newer than the client on PATH: /usr/lib/postgresql/<version>/bin).

use_database_url() {
  local exports
  exports=$(python3 - "$1" <<'PY'
import shlex
import sys
from urllib.parse import parse_qsl, unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in ("postgres", "postgresql", "pgsql", "psql", "postgis"):
    sys.exit(f"not a PostgreSQL URL: {url.scheme}://… (postgres://user:password@host:5432/name)")
values = {
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
}
if not values["PGDATABASE"]:
    sys.exit("the URL names no database: postgres://user:password@host:5432/name")
options = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "connect_timeout": "PGCONNECT_TIMEOUT"}
for key, value in parse_qsl(url.query):
    if key in options:
        values[options[key]] = value
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
    elif name != "PGPASSWORD":  # no password in the URL: PGPASSWORD or ~/.pgpass may give it
        print(f"unset {name}")
PY
  ) || return 1
  eval "$exports"
}

# the client program $1 (pg_dump, pg_restore, psql) from PG_BIN when set, else from PATH
pg_program() {
  local program=${PG_BIN:+$PG_BIN/}$1
  if ! command -v "$program" >/dev/null; then
    echo "$1 not found: install the PostgreSQL client (apt-get install postgresql-client)" \
      "or set PG_BIN to the folder that has it" >&2
    return 1
  fi
  echo "$program"
}
