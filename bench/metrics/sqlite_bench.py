"""Times the benchmark queries as SQL on the SQLite store (the slow bound).

usage: sqlite_bench.py DB RUNS
Prints one line per query: name, p50 ms, p99 ms, rows. Dates are local to
the organisation's time zone through TZ, as the engine's are.
"""
import os
import sqlite3
import sys
import time

os.environ.setdefault("TZ", "Europe/Warsaw")
time.tzset()
sys.path.insert(0, os.path.dirname(__file__))
from queries import sqlite_queries  # noqa: E402


def main():
    db, runs = sys.argv[1], int(sys.argv[2])
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    con.execute("PRAGMA mmap_size=268435456")
    newest = con.execute("SELECT date(max(submitted_at), 'unixepoch', 'localtime') FROM responses").fetchone()[0]
    for name, sql in sqlite_queries():
        sql = sql.replace("{newest}", newest)
        times = []
        rows = 0
        for _ in range(runs):
            start = time.perf_counter()
            rows = len(con.execute(sql).fetchall())
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
        print(f"{name}\t{times[len(times) // 2]:.2f}\t{p99:.2f}\t{rows}", flush=True)


main()
