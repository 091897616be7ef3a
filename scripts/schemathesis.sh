#!/usr/bin/env bash
# Schemathesis against a running `nintei serve` (demo data, fresh data folder) with the API's own
# OpenAPI description: as an anonymous user, then as each role. Checks: no 5xx, every answer fits
# its schema. Prints one line per role (operations, cases, failures) and exits non-zero on any
# failure. Usage: scripts/schemathesis.sh BIN [EXAMPLES]
set -euo pipefail
bin=${1:?the nintei binary}
examples=${2:-15}
port=${FUZZ_PORT:-3210}
base="http://127.0.0.1:$port"
data=$(mktemp -d /tmp/nintei-fuzz-XXXXXX)
report=${FUZZ_REPORT_DIR:-target/schemathesis}
rm -rf "$report" && mkdir -p "$report"
NINTEI_LISTEN="127.0.0.1:$port" NINTEI_DATA_DIR="$data" NINTEI_DEMO=true \
  NINTEI_STAFF_TWO_FACTOR=false NINTEI_REGISTRATIONS_PER_HOUR=100000 \
  NINTEI_DIST_DIR="$data/no-dist" RUST_LOG=warn "$bin" serve >"$report/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 120); do curl -fs "$base/api/health" >/dev/null && break; sleep 0.5; done

# Every role signs in first: the fuzzing of /auth/login then cannot throttle the sign-ins.
declare -A cookie
for who in demo.physician kyoto.organizer kyoto.staff jma.staff admin; do
  jar="$data/$who.jar"
  curl -fs -c "$jar" -H 'content-type: application/json' \
    -d "{\"email\":\"$who@example.jp\",\"password\":\"nintei-demo-2026\"}" "$base/api/auth/login" >/dev/null
  cookie[$who]=$(awk '$6 == "nintei_session" { print "nintei_session=" $7 }' "$jar")
done

export PYTHONPATH="$(dirname "$0")${PYTHONPATH:+:$PYTHONPATH}" SCHEMATHESIS_HOOKS=schemathesis_hooks
failed=0
run() {
  local name=$1; shift
  local out="$report/$name.txt"
  if python3 -m schemathesis.cli run "$base/api/openapi.json" --url "$base/api" \
      --checks not_a_server_error,response_schema_conformance \
      --max-examples "$examples" --phases examples,coverage,fuzzing --workers 1 --seed 2026 \
      --no-color --output-truncate true --suppress-health-check all \
      --report junit --report-junit-path "$report/$name.xml" "$@" >"$out" 2>&1; then
    status=passed
  else
    status=FAILED; failed=1
  fi
  # Operations and cases from the JUnit report; failures counted the same way.
  python3 - "$report/$name.xml" "$name" "$status" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
ops = sum(int(s.get("tests", 0)) for s in suites)
fails = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
print(f"{sys.argv[2]:>12}: {ops} operations, {fails} failing — {sys.argv[3]}")
PY
  grep -E "test cases|Test cases|generated" "$out" | tail -1 || true
}
run anonymous
for who in demo.physician kyoto.organizer kyoto.staff jma.staff admin; do
  run "${who%%.*}-${who#*.}" -H "Cookie: ${cookie[$who]}"
done
[ $failed -eq 0 ] || { echo "schemathesis found failures: see $report/*.txt"; exit 1; }
