/**
 * `npm run bench`: seeds the dataset on PostgreSQL (DATABASE_URL), starts the contenders side by
 * side, checks they give the same answers, then loads each scenario at each concurrency for a fixed
 * time with autocannon, contender after contender, interleaved over rounds. Prints and writes the
 * figures (bench/results/latest.{json,md}) and keeps the latest in docs/benchmarks.md.
 * Settings: see README ("Benchmark") or the BENCH_* names below.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase, pendingEventWork } from "@erp/core";
import autocannon from "autocannon";
import { sql } from "kysely";
import { adminBearer } from "./auth.js";
import { cpuMs, median, percentile, processTree, sqlStatements } from "./measure.js";
import {
  CONFIRM_ORDER,
  type Fixtures,
  PLACE_ORDER,
  READS,
  RECORD_PAYMENT,
  SCENARIOS,
  type ScenarioName,
} from "./scenarios.js";
import { BENCH_DOMAINS, FULL_DATASET, QUICK_DATASET, seedDataset } from "./seed.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PROBE = fileURLToPath(new URL("./probe.mjs", import.meta.url));
const CONTENDER = fileURLToPath(new URL("./contender.ts", import.meta.url));

const env = process.env;
const databaseUrl = env.DATABASE_URL;
if (!databaseUrl) {
  console.error("npm run bench needs PostgreSQL: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/bench)");
  process.exit(2);
}
const quick = env.BENCH_QUICK === "1";
const base = quick ? QUICK_DATASET : FULL_DATASET;
const size = {
  customers: Number(env.BENCH_CUSTOMERS ?? base.customers),
  products: Number(env.BENCH_PRODUCTS ?? base.products),
  warehouses: base.warehouses,
  orders: Number(env.BENCH_ORDERS ?? base.orders),
};
const durationS = Number(env.BENCH_DURATION ?? (quick ? 3 : 10));
const rounds = Number(env.BENCH_ROUNDS ?? 3);
const concurrencies = (env.BENCH_CONCURRENCY ?? "10,50").split(",").map(Number);
const scenarios = (env.BENCH_SCENARIOS?.split(",") as ScenarioName[] | undefined) ?? SCENARIOS;
const sagaTimeoutMs = Number(env.BENCH_SAGA_TIMEOUT_MS ?? 60_000);

/** The contenders the benchmark knows; BENCH_CONTENDERS picks some (default: single, split, floor). */
const CATALOGUE: Record<string, { mode: string; levers?: object; env?: Record<string, string> }> = {
  single: { mode: "single" },
  split: { mode: "split" },
  floor: { mode: "floor" },
  // The levers of the in-process data source, each off alone, and all off (the code before issue 15).
  "single-pipeline": { mode: "single", levers: { cachedDocuments: false } },
  "single-no-entity-dedupe": { mode: "single", levers: { dedupeRepresentations: false } },
  "single-no-inflight-dedupe": { mode: "single", levers: { dedupeInFlight: false } },
  "single-before": {
    mode: "single",
    levers: { cachedDocuments: false, dedupeRepresentations: false, dedupeInFlight: false },
  },
  "single-pool-20": { mode: "single", env: { DATABASE_POOL_SIZE: "20" } },
  "single-2-workers": { mode: "cluster", env: { WORKERS: "2" } },
  // The saga's backpressure as a bound on confirmations in flight (SALES_CONFIRMATION_BACKLOG_SECONDS=0).
  "single-saga-bound": {
    mode: "single",
    env: { SALES_CONFIRMATION_BACKLOG_SECONDS: "0", SALES_CONFIRMATION_BACKLOG_ORDERS: "20" },
  },
  "single-2-workers-saga-bound": {
    mode: "cluster",
    env: { WORKERS: "2", SALES_CONFIRMATION_BACKLOG_SECONDS: "0", SALES_CONFIRMATION_BACKLOG_ORDERS: "20" },
  },
  hive: { mode: "hive" },
  "hive-no-dedupe": { mode: "hive", env: { BENCH_HIVE_DEDUPE: "0" } },
};
const contenderNames = (env.BENCH_CONTENDERS ?? "single,split,floor").split(",");
for (const name of contenderNames) if (!CATALOGUE[name]) throw new Error(`unknown contender ${name}`);

interface Failures {
  count: number;
  first?: string;
}

interface Contender {
  name: string;
  url: string;
  child: ChildProcess;
}

interface Cell {
  round: number;
  scenario: ScenarioName;
  connections: number;
  contender: string;
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  firstError?: string;
  cpuMsPerRequest: number;
  sqlPerRequest: number;
  loadAverage: number;
  /** The write path's saga: accepted confirmations per second, those refused by backpressure, and time to outcome. */
  saga?: { settled: number; unsettled: number; p50: number; p99: number; acceptedPerSecond: number; refused: number };
}

const probeDir = mkdtempSync(join(tmpdir(), "erp-bench-probe-"));

async function startContender(name: string): Promise<Contender> {
  const spec = CATALOGUE[name]!;
  const profile =
    env.BENCH_CPU_PROF_DIR && spec.mode === "single"
      ? // One folder per contender: tsx's loader thread writes a profile of its own beside the main thread's.
        ["--cpu-prof", `--cpu-prof-dir=${join(env.BENCH_CPU_PROF_DIR, name)}`]
      : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "--import", PROBE, CONTENDER, spec.mode], {
    cwd: REPO_ROOT,
    env: {
      ...env,
      ...spec.env,
      LOG_LEVEL: "silent",
      BENCH_PROBE_DIR: probeDir,
      BENCH_LEVERS: JSON.stringify(spec.levers ?? {}),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.once("exit", (code) => reject(new Error(`contender ${name} exited with ${code}`)));
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /READY (\S+)/.exec(output);
      if (found) resolve(found[1]!);
    });
  });
  return { name, url, child };
}

/** Waits (up to BENCH_SAGA_TIMEOUT_MS) until no outbox event is unpublished and no delivery is queued or running. */
async function eventWorkDone(): Promise<void> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: 2 });
  const deadline = Date.now() + sagaTimeoutMs;
  try {
    for (;;) {
      const work = await pendingEventWork(database, { domains: BENCH_DOMAINS });
      if ((work.unpublished === 0 && work.queued === 0) || Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await database.close();
  }
}

/** Sends a signal to every process of these contenders (the split ones have children). */
function signalTrees(contenders: Contender[], signal: NodeJS.Signals): void {
  for (const c of contenders)
    for (const pid of processTree(c.child.pid!))
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
}

function stop(contender: Contender): Promise<void> {
  return new Promise((resolve) => {
    contender.child.once("exit", () => resolve());
    contender.child.kill("SIGINT");
    setTimeout(() => contender.child.kill("SIGKILL"), 15_000).unref();
  });
}

async function fixtures(): Promise<Fixtures> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: 2 });
  try {
    const db = database.db;
    const rows = async <T>(query: string) => (await sql.raw<T>(query).execute(db)).rows;
    const busy = await rows<{ customer_id: string }>(
      "select customer_id from sales.sales_orders group by customer_id order by count(*) desc, customer_id limit 1",
    );
    return {
      busyCustomer: busy[0]!.customer_id,
      customers: (await rows<{ customer_id: string }>("select customer_id from sales.known_customers")).map(
        (r) => r.customer_id,
      ),
      products: (await rows<{ product_id: string }>("select product_id from sales.known_products")).map(
        (r) => r.product_id,
      ),
      warehouses: (await rows<{ warehouse_id: string }>("select warehouse_id from sales.known_warehouses")).map(
        (r) => r.warehouse_id,
      ),
    };
  } finally {
    await database.close();
  }
}

let unique = 0;
const key = (what: string) => `bench-${what}-${process.pid}-${Date.now()}-${++unique}`;

function placeBody(f: Fixtures): string {
  const n = ++unique;
  const lines = Array.from({ length: 1 + (n % 5) }, (_, l) => ({
    productId: f.products[(n * 7 + l * 13) % f.products.length],
    quantity: "1",
  }));
  return JSON.stringify({
    query: PLACE_ORDER,
    variables: {
      input: {
        idempotencyKey: key("place"),
        customerId: f.customers[n % f.customers.length],
        warehouseId: f.warehouses[n % f.warehouses.length],
        currency: "EUR",
        lines,
      },
    },
  });
}

function paymentBody(f: Fixtures): string {
  const n = ++unique;
  return JSON.stringify({
    query: RECORD_PAYMENT,
    variables: {
      input: {
        idempotencyKey: key("pay"),
        customerId: f.customers[n % f.customers.length],
        amount: { amount: "10.00", currency: "EUR" },
        method: "BANK_TRANSFER",
        externalReference: key("ref"),
      },
    },
  });
}

/** Confirmation sent → CONFIRMED or REJECTED, per order, once the saga has run (or the wait ran out). */
async function sagaTimes(
  confirmedAt: Map<string, number>,
): Promise<{ settled: number; unsettled: number; p50: number; p99: number }> {
  const database = await openDatabase({ url: databaseUrl, maxConnections: 2 });
  const deadline = Date.now() + sagaTimeoutMs;
  const ids = [...confirmedAt.keys()];
  try {
    for (;;) {
      const { rows } = await sql<{ id: string; at: Date | null }>`
        select id, case when status in ('CONFIRMED', 'REJECTED') then coalesce(confirmed_at, updated_at) end as at
        from sales.sales_orders where id = any(${ids}::uuid[])`.execute(database.db);
      const settled = rows.filter((r) => r.at);
      if (settled.length === ids.length || Date.now() > deadline) {
        const times = settled.map((r) => Math.max(0, new Date(r.at!).getTime() - confirmedAt.get(r.id)!));
        const waits = [...times, ...Array(ids.length - settled.length).fill(sagaTimeoutMs)];
        return {
          settled: settled.length,
          unsettled: ids.length - settled.length,
          p50: percentile(waits, 50),
          p99: percentile(waits, 99),
        };
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    await database.close();
  }
}

async function load(
  contender: Contender,
  scenario: ScenarioName,
  connections: number,
  f: Fixtures,
  headers: Record<string, string>,
  seconds: number,
): Promise<{ result: autocannon.Result; confirmed: Map<string, number>; refused: number; failed: Failures }> {
  const confirmed = new Map<string, number>();
  const backlog = { refused: 0 };
  const failed: Failures = { count: 0 };
  // A GraphQL error comes with HTTP 200: each answer is read, and one with errors counts as failed.
  const check = (body: string) => {
    const errors = (JSON.parse(body) as { errors?: { message: string }[] }).errors;
    if (!errors?.length) return;
    failed.count++;
    failed.first ??= errors[0]!.message;
  };
  const common = { url: contender.url, connections, duration: seconds, method: "POST" as const, headers };
  const read = READS[scenario];
  let options: autocannon.Options;
  if (read) {
    const body = JSON.stringify({ query: read.query, variables: read.variables(f) });
    options = { ...common, requests: [{ method: "POST", body, onResponse: (_s, text) => check(text) }] };
  } else if (scenario === "recordPayment")
    options = {
      ...common,
      requests: [
        {
          method: "POST",
          setupRequest: (r) => ({ ...r, body: paymentBody(f) }),
          onResponse: (_s, text) => check(text),
        },
      ],
    };
  else
    options = {
      ...common,
      requests: [
        {
          method: "POST",
          setupRequest: (r) => ({ ...r, body: placeBody(f) }),
          onResponse: (_status, body, context) => {
            check(body);
            (context as { orderId?: string }).orderId = JSON.parse(body)?.data?.placeSalesOrder?.salesOrder?.id;
          },
        },
        {
          method: "POST",
          setupRequest: (r, context) => ({
            ...r,
            body: JSON.stringify({
              query: CONFIRM_ORDER,
              variables: {
                input: {
                  idempotencyKey: key("confirm"),
                  salesOrderId: (context as { orderId?: string }).orderId ?? "",
                },
              },
            }),
          }),
          onResponse: (_status, body, context) => {
            check(body);
            // Only confirmations the API took start the saga; CONFIRMATION_BACKLOG is sales' backpressure.
            const answer = JSON.parse(body)?.data?.confirmSalesOrder;
            const orderId = (context as { orderId?: string }).orderId;
            if (orderId && answer?.salesOrder?.status === "PENDING_CONFIRMATION") confirmed.set(orderId, Date.now());
            else if (answer?.errors?.[0]?.code === "CONFIRMATION_BACKLOG") backlog.refused++;
          },
        },
      ],
    };
  const result = await autocannon(options);
  return { result, confirmed, refused: backlog.refused, failed };
}

async function cell(
  round: number,
  contender: Contender,
  scenario: ScenarioName,
  connections: number,
  f: Fixtures,
  headers: Record<string, string>,
): Promise<Cell> {
  const pids = processTree(contender.child.pid!);
  const loadAverage = loadavg()[0]!;
  const [cpuBefore, sqlBefore] = [cpuMs(pids), await sqlStatements(pids, probeDir)];
  const { result, confirmed, refused, failed } = await load(contender, scenario, connections, f, headers, durationS);
  const [cpuAfter, sqlAfter] = [cpuMs(pids), await sqlStatements(pids, probeDir)];
  const requests = result.requests.total;
  const timed = confirmed.size ? await sagaTimes(confirmed) : undefined;
  const saga = timed && { ...timed, acceptedPerSecond: confirmed.size / durationS, refused };
  const row: Cell = {
    round,
    scenario,
    connections,
    contender: contender.name,
    requests,
    reqPerSec: requests / durationS,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts + failed.count,
    ...(failed.first && { firstError: failed.first }),
    cpuMsPerRequest: requests ? (cpuAfter - cpuBefore) / requests : Number.NaN,
    sqlPerRequest: requests ? (sqlAfter - sqlBefore) / requests : Number.NaN,
    loadAverage,
    ...(saga && { saga }),
  };
  const sagaText = saga
    ? ` saga: ${saga.acceptedPerSecond.toFixed(1)} accepted/s, ${saga.refused} refused (backlog), p50 ${saga.p50} ms p99 ${saga.p99} ms (${saga.unsettled} unsettled)`
    : "";
  console.log(
    `round ${round} ${scenario} c=${connections} ${contender.name}: ${row.reqPerSec.toFixed(1)} req/s p50 ${row.p50} ms p99 ${row.p99} ms cpu ${row.cpuMsPerRequest.toFixed(1)} ms/req sql ${row.sqlPerRequest.toFixed(1)}/req errors ${row.errors}${row.firstError ? ` (${row.firstError})` : ""} load ${loadAverage.toFixed(2)}${sagaText}`,
  );
  return row;
}

/** The same request to every gateway contender must give the same JSON, field for field and in order (the floor answers differently). */
async function sameAnswers(contenders: Contender[], f: Fixtures, headers: Record<string, string>): Promise<string[]> {
  const notes: string[] = [];
  for (const [name, read] of Object.entries(READS)) {
    const body = JSON.stringify({ query: read!.query, variables: read!.variables(f) });
    const answers = await Promise.all(
      contenders
        .filter((c) => !c.name.startsWith("floor"))
        // Parsed and written again: engines differ in whitespace (Apollo Server ends with a newline), not in data.
        .map(async (c) => ({
          c: c.name,
          text: JSON.stringify(await (await fetch(c.url, { method: "POST", headers, body })).json()),
        })),
    );
    const differ = answers.filter((a) => a.text !== answers[0]!.text).map((a) => a.c);
    const errors = answers[0]!.text.includes('"errors"');
    notes.push(
      `${name}: ${differ.length ? `DIFFERENT from ${answers[0]!.c} in ${differ.join(", ")}` : `identical across ${answers.map((a) => a.c).join(", ")}`} (${answers[0]!.text.length} bytes${errors ? ", WITH ERRORS" : ""})`,
    );
  }
  return notes;
}

function summarise(cells: Cell[]) {
  const groups = new Map<string, Cell[]>();
  for (const c of cells) {
    const k = `${c.scenario}|${c.connections}|${c.contender}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  return [...groups.values()].map((g) => ({
    scenario: g[0]!.scenario,
    connections: g[0]!.connections,
    contender: g[0]!.contender,
    reqPerSec: g.map((c) => c.reqPerSec),
    p50: median(g.map((c) => c.p50)),
    p99: median(g.map((c) => c.p99)),
    cpuMsPerRequest: median(g.map((c) => c.cpuMsPerRequest)),
    sqlPerRequest: median(g.map((c) => c.sqlPerRequest)),
    errors: g.reduce((n, c) => n + c.errors, 0),
    firstError: g.find((c) => c.firstError)?.firstError,
    saga: g[0]!.saga && {
      p50: median(g.map((c) => c.saga!.p50)),
      p99: median(g.map((c) => c.saga!.p99)),
      unsettled: g.reduce((n, c) => n + c.saga!.unsettled, 0),
      acceptedPerSecond: median(g.map((c) => c.saga!.acceptedPerSecond)),
      refused: g.reduce((n, c) => n + c.saga!.refused, 0),
    },
  }));
}

function markdown(meta: Record<string, unknown>, rows: ReturnType<typeof summarise>, answers: string[]): string {
  const range = (v: number[]) => {
    const [lo, hi] = [Math.min(...v), Math.max(...v)];
    return lo.toFixed(0) === hi.toFixed(0) ? lo.toFixed(0) : `${lo.toFixed(0)}–${hi.toFixed(0)}`;
  };
  const ratio = (row: (typeof rows)[number], other: string) => {
    const o = rows.find(
      (r) => r.scenario === row.scenario && r.connections === row.connections && r.contender === other,
    );
    return o ? (median(row.reqPerSec) / median(o.reqPerSec)).toFixed(2) : "–";
  };
  const lines = [
    `Run ${meta.finishedAt}: \`${meta.command}\``,
    "",
    `Machine: ${meta.machine}. Load average (1 min) during the cells: ${meta.loadAverage}.`,
    `Dataset: ${meta.dataset}. ${meta.seeding}`,
    `${meta.rounds} interleaved rounds of ${meta.durationS} s per cell; req/s is the range over the rounds, p50/p99 (ms), CPU and SQL the median.`,
    "",
    "| operation | clients | contender | req/s | × split | × floor | p50 | p99 | CPU ms/req | SQL/req | errors | saga: accepted/s, refused, p50 / p99 (ms) |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.connections} | ${r.contender} | ${range(r.reqPerSec)} | ${ratio(r, "split")} | ${ratio(r, "floor")} | ${r.p50} | ${r.p99} | ${r.cpuMsPerRequest.toFixed(1)} | ${r.sqlPerRequest.toFixed(1)} | ${r.errors} | ${r.saga ? `${r.saga.acceptedPerSecond.toFixed(1)}/s, ${r.saga.refused} refused, ${r.saga.p50} / ${r.saga.p99}${r.saga.unsettled ? ` (${r.saga.unsettled} unsettled)` : ""}` : ""} |`,
    ),
    "",
    "Errors count HTTP failures, timeouts and answers carrying GraphQL errors; the first of each kind:",
    ...rows
      .filter((r) => r.firstError)
      .map((r) => `- ${r.scenario} c=${r.connections} ${r.contender}: ${r.firstError}`),
    "",
    "Same answers (the same JSON, field for field and in order, one request per read before the load):",
    ...answers.map((a) => `- ${a}`),
    "",
  ];
  return lines.join("\n");
}

const BEGIN = "<!-- bench:latest -->";
const END = "<!-- /bench:latest -->";

async function main() {
  const database = await openDatabase({ url: databaseUrl, maxConnections: 10 });
  let seeding: string;
  try {
    const seconds = await seedDataset(database, size);
    seeding = seconds
      ? `Seeded through the business operations in ${seconds.toFixed(0)} s.`
      : "Seeded earlier through the business operations (reused).";
    console.log(seeding);
  } finally {
    await database.close();
  }
  if (env.BENCH_SEED_ONLY === "1") return;
  const f = await fixtures();
  const headers = { "content-type": "application/json", ...(await adminBearer()) };
  const contenders: Contender[] = [];
  for (const name of contenderNames) {
    contenders.push(await startContender(name));
    console.log(`${name} ready at ${contenders.at(-1)!.url}`);
  }
  const cells: Cell[] = [];
  let answers: string[] = [];
  try {
    answers = await sameAnswers(contenders, f, headers);
    for (const a of answers) console.log(a);
    // Warm-up: plans, caches and JIT, and the floor's recording of each plan.
    for (const c of contenders) for (const s of scenarios) await load(c, s, 2, f, headers, 1);
    for (let round = 1; round <= rounds; round++)
      for (const scenario of scenarios)
        for (const connections of concurrencies) {
          // Interleaved: each round starts the rotation one contender later.
          const order = contenders.map((_, i) => contenders[(i + round - 1) % contenders.length]!);
          for (const contender of order) {
            // The others are paused (SIGSTOP) meanwhile: they share the database and the saga's queues,
            // and a running neighbour would work this contender's event handlers and poll beside it.
            const others = contenders.filter((c) => c !== contender);
            // Paused only once the last cell's event work is done: a process stopped inside a
            // handler's transaction would hold its row locks through the next cell.
            await eventWorkDone();
            signalTrees(others, "SIGSTOP");
            try {
              cells.push(await cell(round, contender, scenario, connections, f, headers));
            } finally {
              signalTrees(others, "SIGCONT");
            }
            publish(cells, answers, seeding, false); // a run cut short still leaves its figures
          }
        }
  } finally {
    await Promise.all(contenders.map(stop));
  }
  console.log(`\n${publish(cells, answers, seeding, true)}`);
}

/** Writes bench/results/latest.{json,md} and the latest figures into docs/benchmarks.md. */
function publish(cells: Cell[], answers: string[], seeding: string, complete: boolean): string {
  const loads = cells.map((c) => c.loadAverage);
  const meta = {
    finishedAt: new Date().toISOString(),
    command: `DATABASE_URL=… ${Object.entries(env)
      .filter(([k]) => k.startsWith("BENCH_"))
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} npm run bench`.replace(/\s+/g, " "),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL and the load generator on the same machine (the load average says what else ran)`,
    loadAverage: `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`,
    dataset: `${size.customers} customers, ${size.products} products in ${size.warehouses} warehouses, ${size.orders} sales orders of 1–5 lines`,
    seeding,
    rounds: complete ? rounds : `${Math.max(...cells.map((c) => c.round))} of ${rounds} (run in progress or cut short)`,
    durationS,
  };
  const rows = summarise(cells);
  const md = markdown(meta, rows, answers);
  const out = join(REPO_ROOT, "bench/results");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "latest.json"), JSON.stringify({ meta, answers, rows, cells }, null, 2));
  writeFileSync(join(out, "latest.md"), md);
  const docs = join(REPO_ROOT, "docs/benchmarks.md");
  const text = readFileSync(docs, "utf8");
  const [before, rest] = text.split(BEGIN);
  if (rest !== undefined) writeFileSync(docs, `${before}${BEGIN}\n${md}${END}${rest.split(END)[1] ?? ""}`);
  return md;
}

await main();
process.exit(0);
