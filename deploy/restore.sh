#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a fresh, empty database:
#
#   deploy/restore.sh /var/backups/scorecard/scorecard-20261130-023000.dump \
#       postgres://scorecard:password@127.0.0.1:5432/scorecard_restored
#
# Create the database first (as postgres: createdb -O scorecard scorecard_restored). The restore
# refuses a database that already has tables, runs in one transaction (all or nothing), gives
# every object to the connecting user (--no-owner), and analyzes the tables at the end. Then point
# DATABASE_URL at it and restart the services (docs/deploy.md). PG_BIN: as in backup.sh.
set -euo pipefail
source "$(dirname "$0")/database-url.sh"

if [ $# -ne 2 ]; then
  echo "usage: $0 BACKUP.dump TARGET_DATABASE_URL (a fresh, empty database)" >&2
  exit 2
fi
dump=$1
pg_restore=$(pg_program pg_restore)
psql=$(pg_program psql)
use_database_url "$2"
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 1; }
if ! "$pg_restore" --list "$dump" >/dev/null; then
  echo "restore: $dump is not a pg_dump archive" >&2
  exit 1
fi

objects=$("$psql" --no-psqlrc --quiet --tuples-only --no-align --set=ON_ERROR_STOP=1 --command="
  SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
if [ "$objects" != 0 ]; then
  echo "restore: database $PGDATABASE is not empty ($objects tables, views or sequences);" \
    "restore into a fresh one: createdb -O <owner> <new name>" >&2
  exit 1
fi

"$pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$PGDATABASE" "$dump"
"$psql" --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --command="ANALYZE"
tables=$("$psql" --no-psqlrc --quiet --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
echo "restore: $dump restored into $PGDATABASE on ${PGHOST:-the local socket} ($tables tables)"
