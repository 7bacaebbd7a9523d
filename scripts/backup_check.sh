#!/usr/bin/env bash
# Prove a backup restores: pg_dump the database of DATABASE_URL (custom format), pg_restore the dump into
# a scratch database next to it, compare the row count of every table, drop the scratch database.
# Exit 0 and "backup check: OK" when every count matches; 1 with the differing tables otherwise.
#
#   DATABASE_URL=postgres://guanqi:…@db:5432/guanqi scripts/backup_check.sh [dump-file]
#
# With a dump-file argument the dump is kept there (the nightly backup itself); without, a temporary
# file is used and removed. The role needs CREATEDB. See docs/OPERATIONS.md, "Backups".
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up}"
url="${DATABASE_URL%%\?*}"
source_db="${url##*/}"
server="${url%/*}"
scratch_db="${source_db}_restore_check_$$"
scratch_url="${server}/${scratch_db}"
dump="${1:-}"
keep_dump=1
if [[ -z "$dump" ]]; then
    dump="$(mktemp "${TMPDIR:-/tmp}/guanqi-backup-XXXXXX.dump")"
    keep_dump=0
fi

cleanup() {
    psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "DROP DATABASE IF EXISTS \"${scratch_db}\"" >/dev/null 2>&1 || true
    if [[ $keep_dump == 0 ]]; then rm -f "$dump"; fi
}
trap cleanup EXIT

# Every table of the public schema with its exact row count, one "table count" line each, sorted.
COUNTS="SELECT table_name || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', table_schema, table_name), false, true, '')))[1]::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"

before="$(psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "$COUNTS")"
pg_dump --format=custom --no-owner --no-privileges --file="$dump" "$DATABASE_URL"
psql "$DATABASE_URL" -qAt -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"${scratch_db}\"" >/dev/null
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$scratch_url" "$dump"
after="$(psql "$scratch_url" -qAt -v ON_ERROR_STOP=1 -c "$COUNTS")"

tables="$(wc -l <<<"$before")"
rows="$(awk '{s += $2} END {print s + 0}' <<<"$before")"
if [[ "$before" != "$after" ]]; then
    echo "backup check: FAILED — row counts differ (< ${source_db}, > restored copy):"
    diff <(echo "$before") <(echo "$after") || true
    exit 1
fi
echo "backup check: OK — ${tables} tables, ${rows} rows restored from $(du -h "$dump" | cut -f1) dump"
