-- wrk script of the bench harness: cycle through pre-built requests, stop after a request budget,
-- and print one JSON line of results (latencies in microseconds) when the run ends.
-- Arguments (after `--`): <requests file> <request budget>. Each line of the requests file is
-- METHOD<TAB>PATH<TAB>CONTENT-TYPE<TAB>BODY, body and content type possibly empty.

local prepared = {}
local budget = 0
local sent = 0
local cursor = 0

local function split_tabs(line)
  local parts = {}
  for part in (line .. "\t"):gmatch("([^\t]*)\t") do
    parts[#parts + 1] = part
  end
  return parts
end

function init(args)
  budget = tonumber(args[2])
  for line in io.lines(args[1]) do
    local p = split_tabs(line)
    local headers = { ["Accept"] = "application/json" }
    local body = nil
    if p[4] ~= nil and p[4] ~= "" then
      headers["Content-Type"] = p[3]
      body = p[4]
    end
    prepared[#prepared + 1] = wrk.format(p[1], p[2], headers, body)
  end
end

function request()
  sent = sent + 1
  if sent > budget then
    wrk.thread:stop()
  end
  cursor = cursor % #prepared + 1
  return prepared[cursor]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "durationUs": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latencyUs": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean
  ))
end
