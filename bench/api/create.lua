-- POST /api/v1/patients with a new person on every request: the family name is unique per run, thread and request
-- (letters only), so the duplicate check runs and finds nobody, as at a desk registering a new patient.
dofile(os.getenv("STRATUM_BENCH_LUA") .. "/report.lua")
local clinic = os.getenv("STRATUM_CLINIC")
local run = os.getenv("STRATUM_RUN") or "a"
local headers = bearer()
local function letters(n)
  local s = ""
  repeat
    s = string.char(97 + n % 26) .. s
    n = math.floor(n / 26)
  until n == 0
  return s
end
local i = 0
request = function()
  i = i + 1
  local family = "Load" .. run .. letters(tid or 0) .. "x" .. letters(i)
  local body = string.format(
    '{"clinicId":"%s","givenName":"Bench","familyName":"%s","birthDate":"1990-05-17","sex":"female","fitzpatrick":3}',
    clinic, family)
  return wrk.format("POST", "/api/v1/patients", headers, body)
end
