-- Loaded by every bench script (dofile): numbers the threads, and writes wrk's summary as one JSON object to
-- $STRATUM_RESULT for bench.py, which computes the figures, ratios and verdicts from it.
local threads = 0

-- Each thread gets its own number (`tid`), so threads start at different records and make different names.
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function done(summary, latency, requests)
  local path = os.getenv("STRATUM_RESULT")
  if not path then return end
  local e = summary.errors
  local f = assert(io.open(path, "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
  f:close()
end

-- The lines of a file prepared by prepare.py.
function lines_of(path)
  local out = {}
  for line in io.lines(path) do if line ~= "" then out[#out + 1] = line end end
  assert(#out > 0, path .. " is empty")
  return out
end

function bearer()
  return { ["Authorization"] = "Bearer " .. os.getenv("STRATUM_TOKEN"), ["Content-Type"] = "application/json" }
end

-- A thread's starting offset into a list, far from the other threads' starts.
function start_of(n)
  return ((tid or 0) * 7919) % n
end
