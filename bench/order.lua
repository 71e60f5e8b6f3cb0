-- wrk script: the seed's example order (face 200, two deliveries of 100) on one channel, a unique
-- request_no per request, recharge accounts ending in 0 (the mock supplier delivers at once).
-- Environment: BENCH_RUN (request_no prefix), BENCH_CHANNEL (test: the demo's unsigned channel).
local run = os.getenv("BENCH_RUN") or tostring(os.time())
local channel = os.getenv("BENCH_CHANNEL") or "test"
local counter = 0
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local path = string.format(
    "/order/request?channel_no=%s&request_no=%s-%d-%d&line_id=1&carrier_no=ZSH&invoice_type=1"
      .. "&num=1&face=200&amount=198&rechage_account=1000110%07d0",
    channel, run, thread_id, counter, counter % 10000000)
  return wrk.format("GET", path)
end
