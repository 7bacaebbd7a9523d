-- wrk script of the benchmark (bench/run.py): rotates over (path, cookie) pairs read from the file
-- named by BENCH_REQUESTS (one "path<TAB>cookie" per line) and prints the latency percentiles and
-- error counts as one JSON line at the end.
local pairs_list = {}
local file = io.open(os.getenv("BENCH_REQUESTS"), "r")
for line in file:lines() do
  local path, cookie = line:match("^(.-)\t(.*)$")
  table.insert(pairs_list, {path, cookie})
end
file:close()

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  idx = id * 7
  bad = 0
end

function request()
  idx = idx + 1
  local item = pairs_list[(idx % #pairs_list) + 1]
  return wrk.format("GET", item[1], {
    ["Cookie"] = item[2],
    ["X-Forwarded-Proto"] = "https",
    ["Host"] = "127.0.0.1",
    ["Accept-Language"] = "zh-hans",
  })
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local not_ok = 0
  for _, t in ipairs(threads) do
    not_ok = not_ok + t:get("bad")
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d, "not_200": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean, e.connect, e.read,
    e.write, e.status, e.timeout, not_ok))
end
