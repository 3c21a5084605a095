import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Database, openDatabase } from "@erp/core";
import { bearer } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultErp, startSplitErp } from "./erp-processes.js";
import { checkInvariants, type Effects, settle, waitForNoPendingConfirmation } from "./invariants.js";
import { newTally, RetryingClient, sleep } from "./retrying-client.js";
import { runLoad, seed } from "./workload.js";

const LOAD_MS = Number(process.env.FAULT_LOAD_SECONDS ?? 45) * 1000;
const CONCURRENCY = Number(process.env.FAULT_CONCURRENCY ?? 24);
/** Short enough that the suite sees a stuck confirmation end, long enough that a loaded machine answers first. */
const CONFIRMATION_TIMEOUT_SECONDS = 40;

let erp: FaultErp;
let sql: Database;
let faults: string;
const injections: { at: string; what: string; detail?: unknown }[] = [];

beforeAll(async () => {
  faults = join(mkdtempSync(join(tmpdir(), "erp-faults-")), "faults.json");
  writeFileSync(faults, JSON.stringify({ failingHandlers: [] }));
  erp = await startSplitErp({
    ERP_TEST_FAULTS_FILE: faults,
    SALES_CONFIRMATION_TIMEOUT_SECONDS: String(CONFIRMATION_TIMEOUT_SECONDS),
  });
  // The suite's own connections are named, so terminating "the project's" connections spares them.
  sql = await openDatabase({ url: `${erp.database.url}?application_name=erp-fault-suite`, maxConnections: 4 });
});
afterAll(async () => {
  await sql?.close();
  await erp?.stop();
  rmSync(faults, { force: true });
});

/** Runs a fault at a moment of the load, recording what was done and how long recovery took. */
function at(ms: number, what: string, inject: () => Promise<unknown>, started: number): Promise<void> {
  return sleep(ms).then(async () => {
    const t = Date.now();
    try {
      const detail = await inject();
      injections.push({ at: `${((t - started) / 1000).toFixed(1)} s`, what, detail: detail ?? `${Date.now() - t} ms` });
    } catch (error) {
      injections.push({ at: `${((t - started) / 1000).toFixed(1)} s`, what, detail: `FAILED: ${String(error)}` });
    }
  });
}

async function terminateProjectConnections(): Promise<{ terminated: number; inTransaction: number }> {
  const { rows } = await sql.executeRaw(
    `with targets as (
       select pid, state from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and application_name <> 'erp-fault-suite'),
     killed as (select state, pg_terminate_backend(pid) as ok from targets)
     select count(*) filter (where ok)::int as terminated,
            count(*) filter (where ok and state in ('active', 'idle in transaction'))::int as busy
     from killed`,
  );
  return { terminated: rows[0].terminated, inTransaction: rows[0].busy };
}

describe("the split ERP on PostgreSQL under load and faults", () => {
  it("loses nothing, doubles nothing and leaves nothing stuck", async () => {
    const admin = await bearer("fault-suite@erp.local", ["admin"]);
    const tally = newTally();
    const client = new RetryingClient(() => erp.url, admin, tally);
    const world = await seed(client);
    await settle(sql, 180_000);

    const effects: Effects = {
      orders: new Map(),
      payments: new Map(),
      receipts: new Map(),
      shipments: new Map(),
      unanswered: { orders: 0, payments: 0, receipts: 0, shipments: 0 },
    };
    const started = Date.now();
    const sales = erp.subgraphs.find((s) => s.name === "sales")!;
    const unexpectedExits: string[] = [];
    for (const p of [erp.gateway, ...erp.subgraphs])
      p.child.once("exit", (code, signal) => {
        if (signal !== "SIGKILL") unexpectedExits.push(`${p.name} exited (${code ?? signal})`);
      });
    const setFailing = (handlers: string[]) =>
      Promise.resolve(writeFileSync(faults, JSON.stringify({ failingHandlers: handlers })));
    await Promise.all([
      runLoad(client, world, effects, { concurrency: CONCURRENCY, until: started + LOAD_MS }),
      at(
        0.15 * LOAD_MS,
        "SIGKILL sales subgraph, restart",
        async () => {
          await sales.kill();
          const t = Date.now();
          await sales.restart();
          sales.child.once("exit", (c, s) => s !== "SIGKILL" && unexpectedExits.push(`sales exited (${c ?? s})`));
          return `back in ${Date.now() - t} ms`;
        },
        started,
      ),
      at(0.3 * LOAD_MS, "invoice-shipment handler fails", () => setFailing(["invoice-shipment"]), started),
      at(0.4 * LOAD_MS, "pg_terminate_backend on the project's connections", terminateProjectConnections, started),
      at(0.55 * LOAD_MS, "invoice-shipment handler recovers", () => setFailing([]), started),
      at(
        0.6 * LOAD_MS,
        "SIGKILL gateway, restart",
        async () => {
          await erp.gateway.kill();
          const t = Date.now();
          await erp.gateway.restart();
          return `back in ${Date.now() - t} ms`;
        },
        started,
      ),
      at(0.75 * LOAD_MS, "pg_terminate_backend on the project's connections", terminateProjectConnections, started),
    ]);
    const loadSeconds = (Date.now() - started) / 1000;

    // Whatever died on its own is counted against the system, then restarted so the books can be checked.
    const dead = [erp.gateway, ...erp.subgraphs].filter(
      (p) => p.child.exitCode !== null || p.child.signalCode !== null,
    );
    for (const p of dead) await p.restart();
    const settled = await settle(sql, 240_000).then(
      () => "settled",
      (error: Error) => error.message,
    );
    const pendingLeft = await waitForNoPendingConfirmation(sql, (CONFIRMATION_TIMEOUT_SECONDS + 120) * 1000);
    const { invariants: results, deadLettersRetried } = await checkInvariants(sql, client, effects);
    const summary = {
      load: { seconds: loadSeconds, concurrency: CONCURRENCY, ...tally },
      injections,
      unexpectedExits,
      restartedAfterLoad: dead.map((p) => p.name),
      settled,
      pendingConfirmationsLeft: pendingLeft,
      deadLettersRetried,
      effects: {
        answered: Object.fromEntries(
          (["orders", "payments", "receipts", "shipments"] as const).map((k) => [k, effects[k].size]),
        ),
        unanswered: effects.unanswered,
      },
      invariants: results,
    };
    console.log(`FAULT SUITE SUMMARY\n${JSON.stringify(summary, null, 2)}`);

    expect.soft(unexpectedExits, "no process died but those the suite killed").toEqual([]);
    expect.soft(settled).toBe("settled");
    expect.soft(pendingLeft, "orders left in PENDING_CONFIRMATION").toBe(0);
    expect.soft(tally.outcomes.malformed, "malformed answers").toBe(0);
    expect.soft(tally.outcomes.timeout, "answers that hung past the client's timeout").toBe(0);
    for (const [name, problems] of Object.entries(results)) expect.soft(problems, name).toEqual([]);
  });
});
