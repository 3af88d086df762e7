-- wrk script: POST confirmation bodies (one JSON per line of args[1]) with the key args[2].
local bodies = {}
local counter = 0
local key = ""

init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  key = args[2]
  counter = math.random(#bodies)
end

request = function()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/api/v1/confirmations",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key}, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
