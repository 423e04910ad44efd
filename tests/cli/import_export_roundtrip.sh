#!/bin/sh
# ledger import of a 100,000-event log into a fresh SQLite store, then ledger export, must
# reproduce the file byte for byte (issue 2's acceptance test). Also checks that importing
# again is harmless and that standard input and output work the same as files.
#
# Usage: import_export_roundtrip.sh LEDGER_BINARY GENERATOR_BINARY [EVENT_COUNT]
set -eu

ledger=$1
generate=$2
count=${3:-100000}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
export LEDGER_DATABASE_URL="sqlite:$dir/ledger.db"

"$generate" "$count" > "$dir/in.jsonl"
lines=$(wc -l < "$dir/in.jsonl")
[ "$lines" -eq "$count" ] || { echo "generator wrote $lines lines, not $count" >&2; exit 1; }

"$ledger" migrate
"$ledger" import "$dir/in.jsonl" > "$dir/import.json"
grep -qx "{\"imported\":$count,\"already_present\":0}" "$dir/import.json" || {
  echo "unexpected import summary: $(cat "$dir/import.json")" >&2; exit 1; }

"$ledger" export --output "$dir/out.jsonl"
cmp "$dir/in.jsonl" "$dir/out.jsonl"

# Importing the same log again finds every event already present and changes nothing.
"$ledger" import - < "$dir/in.jsonl" > "$dir/again.json"
grep -qx "{\"imported\":0,\"already_present\":$count}" "$dir/again.json" || {
  echo "unexpected re-import summary: $(cat "$dir/again.json")" >&2; exit 1; }
"$ledger" export | cmp "$dir/in.jsonl" -

# `events` prints the same lines as `export`.
"$ledger" events --limit 1000 > "$dir/events.jsonl"
head -n 1000 "$dir/out.jsonl" | cmp - "$dir/events.jsonl"

echo "round trip of $count events: identical"
