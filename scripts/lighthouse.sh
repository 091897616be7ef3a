#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, mobile, default throttling) in Debian's Chromium against a
# release server on a fresh demo database: performance and accessibility of the home page, the
# login page, My Page (signed in as the demo physician) and the door page. Prints one line a
# page; fails when performance is under 95 or accessibility under 100 (issue #12).
#
# Usage: scripts/lighthouse.sh NINTEI_BIN DIST_DIR
set -euo pipefail
bin=$1
dist=$2
port=${LIGHTHOUSE_PORT:-3400}
base=http://127.0.0.1:$port
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$dir"' EXIT
NINTEI_DEMO=true NINTEI_STAFF_TWO_FACTOR=false NINTEI_DATA_DIR=$dir NINTEI_LISTEN=127.0.0.1:$port \
  NINTEI_DIST_DIR=$dist RUST_LOG=warn "$bin" serve >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -sf "$base/api/health" >/dev/null && break; sleep 1; done

# The demo physician's session cookie, for My Page.
password=$(grep -o 'DEMO_PASSWORD: &str = "[^"]*"' "$(dirname "$0")/../server/src/seed/mod.rs" | cut -d'"' -f2)
cookie=$(curl -sf -c - -H 'content-type: application/json' \
  -d "{\"email\":\"demo.physician@example.jp\",\"password\":\"$password\"}" \
  "$base/api/auth/login" | awk '$6 ~ /nintei/ { print $6 "=" $7 }' | tail -1)
[ -n "$cookie" ] || { echo "could not sign in as the demo physician" >&2; exit 1; }

status=0
for page in / /login /mypage /door; do
  headers='{}'
  [ "$page" = /mypage ] && headers="{\"Cookie\": \"$cookie\"}"
  out="$dir/report.json"
  CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} lighthouse "$base$page" \
    --quiet --output=json --output-path="$out" --only-categories=performance,accessibility \
    --form-factor=mobile --extra-headers="$headers" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" >/dev/null 2>&1 || true
  read -r perf a11y lcp tbt <<<"$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
print(round(c["performance"]["score"] * 100), round(c["accessibility"]["score"] * 100),
      a["largest-contentful-paint"]["displayValue"].replace("\u00a0", ""),
      a["total-blocking-time"]["displayValue"].replace("\u00a0", ""))
' "$out")"
  printf '%-8s performance %3s  accessibility %3s  LCP %s  TBT %s\n' "$page" "$perf" "$a11y" "$lcp" "$tbt"
  if [ "$perf" -lt 95 ] || [ "$a11y" -lt 100 ]; then status=1; fi
done
exit $status
