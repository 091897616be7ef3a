#!/usr/bin/env bash
# The restore drill (docs/operations.md), on scratch databases and data folders only:
#   1. SQLite: demo data plus national-shaped rows, a document uploaded through the running
#      server; `nintei admin backup` while it serves (SQLite's online copy); restore into a new
#      data folder; the fingerprints before and after must be equal and every document's bytes
#      must match the SHA-256 recorded at upload.
#   2. PostgreSQL (when a server answers at RESTORE_PG_URL, default the local one): the same
#      with pg_dump / pg_restore, and documents in an S3 bucket when AWS_ENDPOINT is set
#      (scripts/with_s3.sh), copied to a second prefix and back.
# Usage: scripts/restore_drill.sh path/to/nintei
set -euo pipefail
bin=$(realpath "$1")
pg=${RESTORE_PG_URL:-postgres://postgres@127.0.0.1:5432/test}
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
unset DATABASE_URL NINTEI_DOCUMENTS_URL

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password=$(grep -o 'DEMO_PASSWORD: &str = "[^"]*"' "$(dirname "$0")/../server/src/seed/mod.rs" | cut -d'"' -f2)

# Seeds, serves, uploads a document through the API and backs up while serving.
# Arguments: the name of the run; the environment says where its database and documents are.
prepare_and_back_up() {
  local name=$1
  "$bin" admin seed-scale --physicians 300 --ledger-rows 20 >/dev/null
  # No reminder round: it would write notices and mail while the backup is taken, and the drill
  # compares what was written before the backup with what the restore brings back.
  NINTEI_JOBS=false NINTEI_LISTEN=127.0.0.1:$port NINTEI_DIST_DIR=$work/no-dist NINTEI_STAFF_TWO_FACTOR=false RUST_LOG=warn \
    "$bin" serve >"$work/$name-server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/health/ready" >/dev/null && break; sleep 0.2; done
  local jar=$work/$name-cookies
  curl -sf -c "$jar" -H 'content-type: application/json' \
    -d "{\"email\":\"demo.physician@example.jp\",\"password\":\"$password\"}" \
    "http://127.0.0.1:$port/api/auth/login" >/dev/null
  printf '%%PDF-1.4\n%% restore drill %s %s\ntrailer\n%%%%EOF\n' "$name" "$(date +%s%N)" >"$work/upload.pdf"
  curl -sf -b "$jar" -H 'content-type: application/pdf' --data-binary @"$work/upload.pdf" \
    "http://127.0.0.1:$port/api/documents?kind=other&name=drill.pdf" >/dev/null
  "$bin" admin backup --to "$work/$name-backup"
  "$bin" admin fingerprint >"$work/$name-before.json"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

# Compares the fingerprints of a run and prints what survived.
compare() {
  local name=$1
  if ! diff -u "$work/$name-before.json" "$work/$name-after.json"; then
    echo "restore drill ($name): the restored data differ from the original" >&2
    exit 1
  fi
  python3 - "$work/$name-after.json" "$name" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
t, d = f["tables"], f["documents"]
assert t["credits"]["rows"] > 1000 and t["applications"]["rows"] > 0 and d["rows"] > 1, f
print(f"restore drill ({sys.argv[2]}): identical after the round trip: "
      f"{t['credits']['rows']} credits, {t['applications']['rows']} applications, "
      f"{t['certificates']['rows']} certificates, {d['verified']}/{d['rows']} documents verified byte for byte")
PY
}

echo "== SQLite"
export NINTEI_DATA_DIR=$work/sqlite-src
prepare_and_back_up sqlite
export NINTEI_DATA_DIR=$work/sqlite-restored
mkdir -p "$NINTEI_DATA_DIR"
cp "$work/sqlite-backup/nintei.sqlite" "$NINTEI_DATA_DIR/nintei.sqlite"
"$bin" admin restore-documents --from "$work/sqlite-backup/documents"
"$bin" admin fingerprint >"$work/sqlite-after.json"
compare sqlite
# The check bites: a restored document whose bytes changed fails the fingerprint.
victim=$(find "$work/sqlite-restored/documents" -type f | head -n1)
printf 'changed' >>"$victim"
if "$bin" admin fingerprint >/dev/null 2>&1; then
  echo "restore drill: a changed document went unnoticed" >&2
  exit 1
fi
echo "restore drill (sqlite): a document changed after the restore is reported"

if ! pg_isready -q -d "$pg" 2>/dev/null; then
  echo "SKIPPED: the PostgreSQL drill (no server at ${pg%%@*}@…)"
  exit 0
fi
echo "== PostgreSQL"
base=${pg%/*}
src_db=nintei_drill_src_$$ dst_db=nintei_drill_dst_$$
drop() { psql -q "$pg" -c "DROP DATABASE IF EXISTS $src_db WITH (FORCE)" -c "DROP DATABASE IF EXISTS $dst_db WITH (FORCE)" >/dev/null; }
trap 'drop; cleanup' EXIT
psql -q "$pg" -c "CREATE DATABASE $src_db" -c "CREATE DATABASE $dst_db" >/dev/null
if [ -n "${AWS_ENDPOINT:-}" ]; then
  documents_src=s3://nintei-test/drill-$$-src documents_dst=s3://nintei-test/drill-$$-restored
else
  documents_src=file://$work/pg-src/documents documents_dst=file://$work/pg-restored/documents
fi
export DATABASE_URL=$base/$src_db NINTEI_DOCUMENTS_URL=$documents_src NINTEI_DATA_DIR=$work/pg-src
echo "documents in $documents_src"
prepare_and_back_up postgres
pg_dump --format=custom --no-owner --file="$work/postgres.dump" "$DATABASE_URL"
export DATABASE_URL=$base/$dst_db NINTEI_DOCUMENTS_URL=$documents_dst NINTEI_DATA_DIR=$work/pg-restored
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$work/postgres.dump"
"$bin" admin restore-documents --from "$work/postgres-backup/documents"
"$bin" admin fingerprint >"$work/postgres-after.json"
compare postgres
