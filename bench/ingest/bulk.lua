-- bulk.lua — wrk script: POST /api/v1/responses with an NDJSON body of
-- many responses (the file named by CX_BENCH_BULK_FILE, made by
-- bench/ingest/run). The key comes from CX_BENCH_KEY.
local key = os.getenv("CX_BENCH_KEY") or ""
local path = os.getenv("CX_BENCH_BULK_FILE")

local f = assert(io.open(path, "rb"))
local body = f:read("*a")
f:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-ndjson"
wrk.headers["Authorization"] = "Bearer " .. key
