#!/usr/bin/env bash
# API benchmark: wrk at 32 connections against a release server holding the demo scaled to 10,000 patients.
# Usage: bench/api/run.sh [port] [seconds]   (expects `stratum serve --demo --demo-patients 10000` on that port)
set -euo pipefail
port=${1:-8181}
seconds=${2:-15}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/prepare.py" "$port" "$work"
export STRATUM_TOKEN=$(cat "$work/token")
run() { wrk -t2 -c32 -d"${seconds}s" --latency "$@" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket errors'; }

echo "== bare route: GET /health"
run "http://127.0.0.1:$port/health"
echo "== patient chart: GET /api/v1/patients/{id}/chart (token, permission, one audited read of the whole chart)"
STRATUM_LIST="$work/patients.txt" run -s "$here/chart.lua" "http://127.0.0.1:$port"
echo "== session recording: POST /api/v1/courses/{id}/sessions (token, permission, clinical re-check, durable write)"
STRATUM_LIST="$work/courses.txt" STRATUM_BODY="$work/session.json" run -s "$here/record.lua" "http://127.0.0.1:$port"
echo "== session check: POST /api/v1/check (token, clinical core, no write)"
STRATUM_BODY="$here/../../examples/check-session.json" run -s "$here/post.lua" "http://127.0.0.1:$port/api/v1/check"
