import { defineEvent } from "@erp/contracts";
import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { parse } from "graphql";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runBusinessAction } from "../src/action.js";
import { SYSTEM_PRINCIPAL } from "../src/context.js";
import { type Database, openDatabase } from "../src/database.js";
import { EventBus } from "../src/events/event-bus.js";
import { defineHandler } from "../src/events/handler.js";
import { enqueueJob, type QueueWorker, workerQueue } from "../src/events/module-queues.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";
import { defineSubgraph } from "../src/subgraph.js";

// Workers here poll only every 30 s: work done within seconds was woken by the NOTIFY its commit sent.
const POLL_SECONDS = 30;
const WOKEN_WITHIN_MS = 8_000;

const Rang = defineEvent({
  type: "bell.rang",
  version: 1,
  source: "bell",
  aggregateType: "Bell",
  payload: z.object({ id: z.string().min(1) }),
});
const ran: string[] = [];
const listen = defineHandler(Rang, "hear-bell", async (event, scope) => {
  await sql`insert into ear.heard (id) values (${event.payload.id})`.execute(scope.trx);
});
const chime: QueueWorker<unknown> = {
  name: "chime",
  concurrency: 2,
  run: async (_db, data) => void ran.push(String(data.id)),
};
const table = (schema: string) => ({
  "0001": {
    up: async (db: any) => void (await sql.raw(`create table ${schema}.heard (id text primary key)`).execute(db)),
  },
});
const subgraph = (name: string, extra: object) =>
  defineSubgraph({
    name,
    typeDefs: parse("type Query { ok: Boolean }"),
    resolvers: {},
    migrations: table(name),
    createLoaders: () => ({}),
    ...extra,
  });
const bell = subgraph("bell", { publishes: [Rang], workers: [chime] });
const ear = subgraph("ear", { handlers: [listen] });

const act = (database: Database, domain: string, key: string, work: Parameters<typeof runBusinessAction>[2]) =>
  runBusinessAction(
    { db: database.db, principal: SYSTEM_PRINCIPAL, requestId: `req-${key}`, log: logger, domain },
    { operation: "test", input: { idempotencyKey: key } },
    work,
  );
const ring = (database: Database, id: string) =>
  act(database, "bell", `ring-${id}`, async (s) => {
    await s.emit(Rang, id, { id });
    return { id };
  });
const queueChime = (database: Database, id: string) =>
  act(database, "bell", `chime-${id}`, async (s) => {
    await enqueueJob(s.trx, workerQueue("bell", chime), { id });
    return { id };
  });
const hasHeard = async (database: Database, id: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ear.heard where id = ${id}`.execute(database.db)).rows[0]!
    .n === 1;

async function within(ms: number, done: () => Promise<boolean> | boolean): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > ms) throw new Error(`not done within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}

let database: Database & { url?: string };
const buses: EventBus[] = [];
const extra: Database[] = [];
// The static routing table of these toy domains (a real deployment's is @erp/contracts').
const consumers = [{ event: Rang.type, domain: ear.name, handler: listen.name }] as never[];
const start = (db: Database, modules: ReturnType<typeof subgraph>[]) =>
  EventBus.start(db, modules, { pollingIntervalSeconds: POLL_SECONDS, consumers }).then(
    (bus) => (buses.push(bus), bus),
  );

beforeAll(async () => {
  database = await createTestDatabase();
  for (const m of [bell, ear]) await migrateDomain(database.db, m.name, m.migrations);
});
afterAll(async () => {
  for (const bus of buses.splice(0)) await bus.stop();
  for (const db of extra) await db.close();
  await database.close();
});

describe(`queue wake-ups on ${testDatabaseKind()}`, () => {
  it("runs a module's job as soon as the transaction that queued it commits, not at the next poll", async () => {
    await start(database, [bell, ear]);
    await queueChime(database, "c1");
    await within(WOKEN_WITHIN_MS, () => ran.includes("c1"));
    // A job queued in a transaction that rolls back is neither announced nor run.
    await expect(
      act(database, "bell", "chime-rolled-back", async (s) => {
        await enqueueJob(s.trx, workerQueue("bell", chime), { id: "c-rolled-back" });
        throw new Error("the business action fails after queueing");
      }),
    ).rejects.toThrow("fails after queueing");
    await queueChime(database, "c2");
    await within(WOKEN_WITHIN_MS, () => ran.includes("c2"));
    expect(ran.filter((id) => id === "c-rolled-back")).toEqual([]);
    for (const bus of buses.splice(0)) await bus.stop();
  });

  it.runIf(testDatabaseKind() === "postgres")(
    "wakes a handler in another process when the relay commits, and again after its listening connection is killed",
    async () => {
      // Two processes' worth: each bus has its own pool, as split subgraph servers do.
      const sender = await openDatabase({ url: database.url!, maxConnections: 4 });
      const receiver = await openDatabase({ url: database.url!, maxConnections: 4 });
      extra.push(sender, receiver);
      await start(receiver, [ear]);
      await start(sender, [bell]);
      await ring(sender, "r1");
      await within(WOKEN_WITHIN_MS, () => hasHeard(database, "r1"));

      const admin = new pg.Client({ connectionString: database.url });
      await admin.connect();
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
         where datname = current_database() and application_name = 'erp listener erp_queue_ready'`,
      );
      await admin.end();
      expect(killed.rowCount).toBe(2); // each bus's listener
      // Re-established after 1 s; the ring after that is heard by NOTIFY again.
      await new Promise((r) => setTimeout(r, 1_500));
      await ring(sender, "r2");
      await within(WOKEN_WITHIN_MS, () => hasHeard(database, "r2"));
    },
  );
});
