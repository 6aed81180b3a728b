-- GET the chart of a different demo patient on each request (ids from prepare.py).
local ids = {}
for line in io.lines(os.getenv("STRATUM_LIST")) do ids[#ids + 1] = line end
local headers = { ["Authorization"] = "Bearer " .. os.getenv("STRATUM_TOKEN") }
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/patients/" .. ids[(i % #ids) + 1] .. "/chart", headers)
end
