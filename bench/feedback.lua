-- feedback.lua — wrk script: POST /api/v1/feedback as fast as the server
-- acknowledges durable writes. The key comes from CX_BENCH_KEY; every
-- request carries a different text so nothing can be deduplicated.
local key = os.getenv("CX_BENCH_KEY") or ""
local counter = 0
local thread_id = 0
local next_thread = 0

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. key

function setup(thread)
    next_thread = next_thread + 1
    thread:set("thread_id", next_thread)
end

function request()
    counter = counter + 1
    local body = string.format(
        '{"source":"ticket","channel":"bench","language":"en",' ..
        '"title":"bench %d-%d","text":"The parcel arrived late and the courier was rude (%d-%d)."}',
        thread_id, counter, thread_id, counter)
    return wrk.format(nil, nil, nil, body)
end
