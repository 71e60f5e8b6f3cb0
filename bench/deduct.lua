-- wrk script: GET /account/balance/deduct with a unique trade number per request.
-- Environment: ORDO_TOKEN, BENCH_MODE (spread|hot), BENCH_ACCOUNTS, BENCH_RUN.
local token = os.getenv("ORDO_TOKEN")
local mode = os.getenv("BENCH_MODE") or "spread"
local accounts = tonumber(os.getenv("BENCH_ACCOUNTS") or "10000")
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local counter = 0
local threads = {}

-- thread_id is a global of each thread's Lua state, set here before the thread starts.
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + thread_id * 7919)
end

function request()
  counter = counter + 1
  local path
  if mode == "hot" then
    path = "/account/balance/deduct?ident=bench&groups=hot&eid=hot"
  else
    path = string.format("/account/balance/deduct?ident=bench&groups=spread&eid=b%05d", math.random(1, accounts))
  end
  path = path .. string.format("&trade_no=%s-%s-%d-%d&amount=1", mode, run, thread_id, counter)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end
