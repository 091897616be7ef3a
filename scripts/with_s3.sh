#!/usr/bin/env bash
# Runs a command with a real S3-compatible server beside it: moto's server (PyPI) on a free
# local port, a bucket `nintei-test` made in it, and the standard AWS_* variables plus
# TEST_DOCUMENTS_URL=s3://nintei-test/api exported for the command. The server stops after.
#   scripts/with_s3.sh cargo test -p server --test api
set -euo pipefail
command -v moto_server >/dev/null || { echo "moto_server is missing: run make s3-deps" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
trap 'kill $moto 2>/dev/null || true; rm -f "$log"' EXIT
# Ready when it answers; the bucket is made with one unsigned PUT (moto does not check keys).
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request as u; u.urlopen(u.Request('http://127.0.0.1:$port/nintei-test', method='PUT'), timeout=2)" 2>/dev/null; then
    ready=1; break
  fi
  sleep 0.2
done
[ -n "${ready:-}" ] || { echo "moto_server did not start:" >&2; cat "$log" >&2; exit 1; }
export AWS_ENDPOINT="http://127.0.0.1:$port" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1 \
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test TEST_DOCUMENTS_URL=s3://nintei-test/api
echo "S3 (moto $(python3 -c 'import importlib.metadata as m; print(m.version("moto"))')) at $AWS_ENDPOINT, bucket nintei-test"
"$@"
