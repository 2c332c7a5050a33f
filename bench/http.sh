#!/bin/sh
# bench/http.sh — HTTP benchmarks of one cxloop binary.
#
#   bench/http.sh BINARY WORKDIR
#
# Starts `BINARY serve` on a fresh database in WORKDIR and measures: memory
# at idle (VmRSS after start and after 100 requests), wrk on /healthz and on
# GET /login (2 threads, 64 connections, 10 s, latency percentiles), and
# durable writes per second through POST /api/v1/feedback (wrk with
# bench/feedback.lua; once with the default worker threads and once with
# --threads 64), next to the two bounds the sqlite3 shell gives for
# the same rows on the same disk: one transaction per row, and all rows in
# one transaction. Prints "name<TAB>value<TAB>unit" lines for bench/run.
#
# Relies on wrk, sqlite3 and python3 (scripts/install-deps --test). Never
# touches anything outside WORKDIR; the server it starts is stopped on exit.
set -eu

bin=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
duration=${CX_BENCH_DURATION:-10}
py=/usr/bin/python3
db=$work/bench.db
pid=""

cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
}
trap cleanup EXIT INT TERM

row() { printf '%s\t%s\t%s\n' "$1" "$2" "$3"; }
now() { date +%s.%N; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }

printf 'bench-admin-password\n' | "$bin" init --db "$db" --admin-password-stdin >/dev/null
key=$("$bin" apikey create --db "$db" --name bench --role manager)
port=$($py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port

# start_server [SERVE OPTIONS...]: serve $db on $port in the background.
start_server() {
    : >"$work/serve.out"
    "$bin" serve --db "$db" --listen "127.0.0.1:$port" --no-access-log "$@" \
        >"$work/serve.out" 2>>"$work/serve.err" &
    pid=$!
    tries=0
    until grep -q "listening on $base/" "$work/serve.out" 2>/dev/null; do
        tries=$((tries + 1))
        if [ $tries -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "bench: the server did not start:" >&2
            cat "$work/serve.err" >&2
            exit 1
        fi
        sleep 0.1
    done
}

# stop_server NAME: SIGTERM, wait, record the exit status.
stop_server() {
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    pid=""
    row "$1_shutdown_exit_status" "$status" ""
}

start_server
sleep 0.5
row "rss_idle_after_start" "$(rss_kb "$pid")" "KiB"

$py - "$base" <<'PY'
import sys, urllib.request
base = sys.argv[1]
for i in range(100):
    path = ("/healthz", "/login", "/static/app.css")[i % 3]
    with urllib.request.urlopen(base + path) as r:
        r.read()
PY
sleep 0.5
row "rss_idle_after_100_requests" "$(rss_kb "$pid")" "KiB"

# wrk prints e.g. "Requests/sec:  12345.67" and, with --latency,
# "     50%  1.23ms" lines; normalise latencies to milliseconds.
wrk_rows() {
    name=$1
    file=$2
    awk -v n="$name" '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
            if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
            return v
        }
        /^Requests\/sec:/ { printf "%s_requests_per_s\t%.0f\treq/s\n", n, $2 }
        /^ +(50|90|99)%/  { p = $1; sub(/%/, "", p); printf "%s_latency_p%s\t%.2f\tms\n", n, p, ms($2) }
        /Non-2xx or 3xx responses:/ { printf "%s_non_2xx\t%s\tresponses\n", n, $NF }
        /Socket errors:/ { sub(/^ +Socket errors: /, ""); printf "%s_socket_errors\t%s\t\n", n, $0 }
    ' "$file"
}

wrk -t2 -c64 -d"${duration}s" --latency "$base/healthz" >"$work/wrk-healthz.txt"
wrk_rows healthz "$work/wrk-healthz.txt"
wrk -t2 -c64 -d"${duration}s" --latency "$base/login" >"$work/wrk-login.txt"
wrk_rows login "$work/wrk-login.txt"

# post_run NAME: wrk POST /api/v1/feedback; the durable rate is counted
# from the rows in the database, not from wrk's replies.
post_run() {
    before=$(sqlite3 "$db" "SELECT count(*) FROM feedback_items")
    t0=$(now)
    CX_BENCH_KEY=$key wrk -t2 -c64 -d"${duration}s" --latency -s "$here/feedback.lua" \
        "$base/api/v1/feedback" >"$work/wrk-$1.txt"
    t1=$(now)
    wrk_rows "$1" "$work/wrk-$1.txt"
    row "$1_rss" "$(rss_kb "$pid")" "KiB"
    row "$1_rss_peak" "$(hwm_kb "$pid")" "KiB"
    stop_server "$1"
    after=$(sqlite3 "$db" "SELECT count(*) FROM feedback_items")
    rows=$((after - before))
    row "$1_rows_committed" "$rows" "rows"
    row "$1_durable_writes_per_s" "$(awk -v r="$rows" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", r / (b - a) }')" "rows/s"
}

# With the default worker threads (one per core) at most that many
# requests wait on a commit together; with more threads the writer can
# group more of the 64 connections' writes into one commit.
post_run feedback_post
start_server --threads 64
post_run feedback_post_threads64

# The two bounds, with the sqlite3 shell on the same schema and disk, WAL
# and synchronous=FULL as the server runs: a commit per row (what a server
# without group commit could do at best) and one commit for all rows (what
# no durable per-request acknowledgement can beat).
bound_rows() {
    n=$1
    mode=$2
    $py - "$n" "$mode" <<'PY'
import sys
n, mode = int(sys.argv[1]), sys.argv[2]
print("PRAGMA journal_mode=WAL;")
print("PRAGMA synchronous=FULL;")
if mode == "one":
    print("BEGIN;")
for i in range(n):
    if mode == "each":
        print("BEGIN;")
    print("INSERT INTO feedback_items (source, channel, language, title, text, received_at, created_at) "
          "VALUES ('ticket', 'bench', 'en', 'bench %d', "
          "'The parcel arrived late and the courier was rude (%d).', "
          "CAST(strftime('%%s','now') AS INTEGER), CAST(strftime('%%s','now') AS INTEGER));" % (i, i))
    if mode == "each":
        print("COMMIT;")
if mode == "one":
    print("COMMIT;")
PY
}

for mode in each one; do
    if [ "$mode" = each ]; then n=${CX_BENCH_EACH_ROWS:-2000}; else n=${CX_BENCH_ONE_ROWS:-100000}; fi
    bdb=$work/bound-$mode.db
    printf 'bench-admin-password\n' | "$bin" init --db "$bdb" --admin-password-stdin >/dev/null
    bound_rows "$n" "$mode" >"$work/bound-$mode.sql"
    t0=$(now)
    sqlite3 "$bdb" <"$work/bound-$mode.sql" >/dev/null
    t1=$(now)
    if [ "$mode" = each ]; then name=sqlite3_commit_per_row; else name=sqlite3_one_commit_for_all; fi
    row "$name" "$(awk -v r="$n" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", r / (b - a) }')" "rows/s"
done
