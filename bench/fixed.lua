-- wrk script: GET args[1] (a trivial JSON endpoint: the bare ceiling of the server stack).
local path = "/healthz"

init = function(args)
  if args[1] then path = args[1] end
end

request = function()
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"socket_errors":%d,"non2xx":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
