// Preloaded (--import) into every process the benchmark measures: counts the SQL statements the
// process sends PostgreSQL, leaving out pg-boss's own (its polling is the queue's, not a request's).
// On SIGUSR2 it writes "<count> <time>" to $BENCH_PROBE_DIR/<pid>, where the benchmark reads it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(config, ...rest) {
  const text = typeof config === "string" ? config : config?.text;
  if (typeof text === "string" && !text.includes("pgboss")) statements++;
  return query.call(this, config, ...rest);
};

const dir = process.env.BENCH_PROBE_DIR;
if (dir) process.on("SIGUSR2", () => writeFileSync(join(dir, String(process.pid)), `${statements} ${Date.now()}`));

// A measured process whose parent is gone (a contender killed hard) ends too, rather than linger.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1_000).unref();
