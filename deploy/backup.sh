#!/usr/bin/env bash
# Back up the scorecard database: a pg_dump custom-format archive with the time in its name
# (scorecard-20261130-023000.dump) in BACKUP_DIR, the uploaded files (MEDIA_ROOT) beside it as
# scorecard-20261130-023000-media.tar.gz, and, once both are written, the archives older than
# BACKUP_KEEP_DAYS removed. Restore with deploy/restore.sh (docs/deploy.md).
#
#   DATABASE_URL      the database, as the app reads it (required)
#   BACKUP_DIR        where the archives go (default /var/backups/scorecard)
#   BACKUP_KEEP_DAYS  how many days of archives to keep (default 14)
#   MEDIA_ROOT        the uploads folder, archived too when set and present
#   PG_BIN            the folder of pg_dump, when not the one on PATH
set -euo pipefail
umask 077
source "$(dirname "$0")/database-url.sh"

: "${DATABASE_URL:?DATABASE_URL is not set (postgres://user:password@host:5432/name)}"
dir=${BACKUP_DIR:-/var/backups/scorecard}
keep=${BACKUP_KEEP_DAYS:-14}
[[ $keep =~ ^[0-9]+$ ]] || { echo "BACKUP_KEEP_DAYS must be a number of days, not $keep" >&2; exit 2; }
pg_dump=$(pg_program pg_dump)
pg_restore=$(pg_program pg_restore)
use_database_url "$DATABASE_URL"

mkdir -p "$dir"
name="scorecard-$(date +%Y%m%d-%H%M%S)"
partial="$dir/.$name.dump.partial"
trap 'rm -f "$partial" "$dir/.$name-media.tar.gz.partial"' EXIT
"$pg_dump" --format=custom --file="$partial" "$PGDATABASE"
"$pg_restore" --list "$partial" >/dev/null  # a readable archive, or no backup at all
mv "$partial" "$dir/$name.dump"
echo "backup: $dir/$name.dump ($(du -h "$dir/$name.dump" | cut -f1))"

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ]; then
  tar --create --gzip --file="$dir/.$name-media.tar.gz.partial" --directory="$MEDIA_ROOT" .
  mv "$dir/.$name-media.tar.gz.partial" "$dir/$name-media.tar.gz"
  echo "backup: $dir/$name-media.tar.gz ($(du -h "$dir/$name-media.tar.gz" | cut -f1))"
fi

# only after a good backup: the ones past their days go
find "$dir" -maxdepth 1 -type f \( -name 'scorecard-*.dump' -o -name 'scorecard-*-media.tar.gz' \) \
  -mmin +$((keep * 24 * 60)) -print -delete | sed 's/^/backup: removed /'
