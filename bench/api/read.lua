-- GET /api/v1/patients/{id}: a different demo patient on each request (ids from prepare.py).
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
local ids = lines_of(os.getenv("STRATUM_LIST"))
local headers = bearer()
local i
init = function() i = start_of(#ids) end
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/patients/" .. ids[(i % #ids) + 1], headers)
end
