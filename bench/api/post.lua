-- POST one fixed body (STRATUM_BODY) to the URL's path on every request: the session check, which writes nothing.
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
wrk.method = "POST"
wrk.headers = bearer()
local f = assert(io.open(os.getenv("STRATUM_BODY"), "r"))
wrk.body = f:read("*a")
f:close()
