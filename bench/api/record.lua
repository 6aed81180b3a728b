-- POST a session to a different prepared course on each request (ids and body from prepare.py).
local ids = {}
for line in io.lines(os.getenv("STRATUM_LIST")) do ids[#ids + 1] = line end
local f = assert(io.open(os.getenv("STRATUM_BODY"), "r"))
local body = f:read("*a")
f:close()
local headers = { ["Authorization"] = "Bearer " .. os.getenv("STRATUM_TOKEN"), ["Content-Type"] = "application/json" }
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/v1/courses/" .. ids[(i % #ids) + 1] .. "/sessions", headers, body)
end
