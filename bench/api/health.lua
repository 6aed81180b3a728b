-- The bare route: GET /health (no token, no database).
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
wrk.method = "GET"
wrk.path = "/health"
