-- POST a session to a different prepared course on each request (ids and body from prepare.py).
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
local ids = lines_of(os.getenv("STRATUM_LIST"))
local f = assert(io.open(os.getenv("STRATUM_BODY"), "r"))
local body = f:read("*a")
f:close()
local headers = bearer()
local i
init = function() i = start_of(#ids) end
request = function()
  i = i + 1
  return wrk.format("POST", "/api/v1/courses/" .. ids[(i % #ids) + 1] .. "/sessions", headers, body)
end
