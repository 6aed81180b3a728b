#!/usr/bin/env bash
# API benchmark: wrk at 32 connections against a release server holding the demo scaled to 10,000 patients.
# Usage: bench/api/run.sh [port]   (expects `stratum serve --demo --demo-patients 10000` running on that port)
set -euo pipefail
port=${1:-8181}
here=$(cd "$(dirname "$0")" && pwd)
token=$(curl -s -X POST "localhost:$port/api/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"email":"practitioner@demo.stratum.test","password":"demo-password-2026"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')
patient=$(curl -s "localhost:$port/api/v1/patients?name=okafor&limit=1" -H "authorization: Bearer $token" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
export STRATUM_TOKEN=$token
echo "== bare route: GET /health"
wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$port/health" | grep -E 'Requests/sec|50%|99%'
echo "== patient record: GET /api/v1/patients/{id} (authenticated, audited: one write transaction per read)"
wrk -t2 -c32 -d10s --latency -s "$here/bearer.lua" "http://127.0.0.1:$port/api/v1/patients/$patient" | grep -E 'Requests/sec|50%|99%|Non-2xx'
echo "== session check: POST /api/v1/check (authenticated, clinical core, no write)"
STRATUM_BODY="$here/../../examples/check-session.json" \
wrk -t2 -c32 -d10s --latency -s "$here/post.lua" "http://127.0.0.1:$port/api/v1/check" | grep -E 'Requests/sec|50%|99%|Non-2xx'
