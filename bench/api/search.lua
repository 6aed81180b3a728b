-- GET /api/v1/patients?name=...&limit=10: a demo patient's "family given" name on each request (from prepare.py),
-- which finds that patient and the few who share the name, each found chart an audited access.
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
local names = lines_of(os.getenv("STRATUM_LIST"))
local headers = bearer()
local i
init = function() i = start_of(#names) end
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/patients?limit=10&name=" .. names[(i % #names) + 1], headers)
end
