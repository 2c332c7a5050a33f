// Times the benchmark queries in DuckDB over the same rows held in memory
// (the fast peer). The rows come from a CSV that bench/metrics/run exports
// from the store, one denormalised row per response with its local day.
//
// usage: node duckdb_bench.mjs ROWS.csv RUNS NEWEST_DAY
// Prints one line per query: name, p50 ms, p99 ms, rows (after a load line).
import { DuckDBInstance } from '@duckdb/node-api';
import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const [csv, runsText, newest] = process.argv.slice(2);
const runs = Number(runsText);
const here = dirname(fileURLToPath(import.meta.url));
const queries = JSON.parse(execFileSync('python3', [`${here}/queries.py`, 'duckdb']).toString());

const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await instance.connect();
let start = performance.now();
await con.run(`CREATE TABLE r AS SELECT * FROM read_csv('${csv}', header = true,
  columns = {'day': 'DATE', 'kind': 'VARCHAR', 'survey_id': 'INTEGER', 'touchpoint_id': 'INTEGER',
             'stage_id': 'INTEGER', 'channel': 'VARCHAR', 'language': 'VARCHAR',
             'segment_id': 'INTEGER', 'value_tier': 'VARCHAR', 'account_id': 'INTEGER',
             'score': 'TINYINT', 'customer_type': 'VARCHAR'})`);
console.log(`load\t${(performance.now() - start).toFixed(0)}`);
for (const [name, sqlTemplate] of queries) {
  const sql = sqlTemplate.replaceAll('{newest}', newest);
  const times = [];
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    start = performance.now();
    const reader = await con.runAndReadAll(sql);
    rows = reader.getRows().length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const p99 = times[Math.min(times.length - 1, Math.floor(times.length * 0.99))];
  console.log(`${name}\t${times[Math.floor(times.length / 2)].toFixed(2)}\t${p99.toFixed(2)}\t${rows}`);
}
