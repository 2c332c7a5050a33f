-- response.lua — wrk script: POST /api/v1/responses, one realistic survey
-- response per request (score, a comment, two driver answers, channel,
-- language), as fast as the server acknowledges durable writes. The key
-- comes from CX_BENCH_KEY; every comment differs so nothing can be
-- deduplicated.
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
        '{"survey":"nps-relacja","score":%d,"channel":"email","language":"pl",' ..
        '"answers":{"cena":%d,"obsluga":%d},' ..
        '"comment":"Konsultant szybko rozwiazal problem z rachunkiem (%d-%d)."}',
        counter % 11, 1 + counter % 5, 1 + (counter + 2) % 5, thread_id, counter)
    return wrk.format(nil, nil, nil, body)
end
