wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("STRATUM_TOKEN")
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("STRATUM_BODY"), "r"))
wrk.body = f:read("*a")
f:close()
