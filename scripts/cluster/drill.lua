-- wrk script of the failure drill (scripts/cluster/drill.py): rotates over "METHOD<TAB>path<TAB>cookie"
-- lines read from DRILL_REQUESTS. Each POST files a coordination request through the API with a unique
-- subject; the subjects answered 201 are written to DRILL_OUT/filed-<thread>.txt, every other status
-- to the same file as "STATUS <code>". Prints one DRILL_JSON line at the end.
local items = {}
local file = io.open(os.getenv("DRILL_REQUESTS"), "r")
for line in file:lines() do
  local method, path, cookie = line:match("^(%u+)\t(.-)\t(.*)$")
  table.insert(items, {method, path, cookie})
end
file:close()
local token = os.getenv("DRILL_TOKEN")
local csrf = os.getenv("DRILL_CSRF")
local out_dir = os.getenv("DRILL_OUT")

local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  idx = id * 5
  posts = 0
  created = 0
  bad = 0
  out = io.open(out_dir .. "/filed-" .. id .. ".txt", "w")
end

function request()
  idx = idx + 1
  local item = items[(idx % #items) + 1]
  local headers = {["Cookie"] = item[3], ["Host"] = "127.0.0.1", ["Accept-Language"] = "en"}
  if item[1] == "POST" then
    posts = posts + 1
    local subject = string.format("%s-%d-%d", token, id, posts)
    headers["X-CSRFToken"] = csrf
    headers["Content-Type"] = "application/json"
    local body = '{"service_type": "consulting", "subject": "' .. subject .. '", "description": "failure drill"}'
    return wrk.format("POST", item[2], headers, body)
  end
  return wrk.format("GET", item[2], headers)
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
    local subject = body:match('"subject":%s*"([^"]+)"')
    out:write((subject or "?") .. "\n")
  elseif status ~= 200 then
    bad = bad + 1
    out:write("STATUS " .. status .. "\n")
  end
  out:flush()
end

function done(summary, latency, requests)
  local e = summary.errors
  local posts_sent, created_total, bad_total = 0, 0, 0
  for _, t in ipairs(threads) do
    posts_sent = posts_sent + t:get("posts")
    created_total = created_total + t:get("created")
    bad_total = bad_total + t:get("bad")
  end
  io.write(string.format(
    'DRILL_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "not_ok": %d, ' ..
    '"posts_sent": %d, "created": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, bad_total, posts_sent, created_total))
end
