import { defineEvent } from "@erp/contracts";
import { createTestDatabase, subgraphClient, testDatabaseKind } from "@erp/testing";
import { parse } from "graphql";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { runBusinessAction } from "../src/action.js";
import { type Principal, SYSTEM_PRINCIPAL } from "../src/context.js";
import type { Database } from "../src/database.js";
import { EventBus } from "../src/events/event-bus.js";
import { type DeliveredEvent, defineHandler, type EventHandler } from "../src/events/handler.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";
import { operations } from "../src/operations/operations.js";
import { defineSubgraph } from "../src/subgraph.js";

// Two toy domains: "pinger" announces pings; "ponger" counts them, failing while told to.
let failing = false;
const PingSent = defineEvent({
  type: "pinger.ping.sent",
  version: 1,
  source: "pinger",
  aggregateType: "Ping",
  payload: z.object({ id: z.string().min(1), at: z.string().datetime() }),
});
const pong = defineHandler(PingSent, "count-ping", async (event, scope) => {
  if (failing) throw new Error("ponger is down");
  await sql`insert into ponger.pongs (ping_id) values (${event.payload.id})`.execute(scope.trx);
});
const table = (schema: string, ddl: string) => ({
  "0001": { up: async (db: any) => void (await sql.raw(`create table ${schema}.${ddl}`).execute(db)) },
});
const module = (name: string, handlers: EventHandler[] = [], publishes = name === "pinger" ? [PingSent] : []) =>
  defineSubgraph({
    name,
    publishes,
    typeDefs: parse("type Query { ok: Boolean }"),
    resolvers: {},
    migrations: table(name, "things (id int)"),
    createLoaders: () => ({}),
    handlers,
  });
// "sleeper" hangs on a ping while told to, then gives up: pg-boss times the delivery out first.
let hanging = false;
const sleep = defineHandler(PingSent, "sleep-on-ping", async () => {
  if (!hanging) return;
  await new Promise((r) => setTimeout(r, 4_500));
  throw new Error("gave up after hanging");
});
const sleeper = module("sleeper", [sleep]);
const pinger = module("pinger");
const ponger = { ...module("ponger", [pong]), migrations: table("ponger", "pongs (ping_id text not null)") };

const ACTOR: Principal = { ...SYSTEM_PRINCIPAL, subject: "tester" };

let database: Database;
let bus: EventBus | undefined;

const ping = (id: string) =>
  runBusinessAction(
    { db: database.db, principal: ACTOR, requestId: `req-${id}`, log: logger, domain: "pinger" },
    { operation: "ping", input: { idempotencyKey: `ping-${id}` } },
    async (s) => {
      await s.emit(PingSent, id, { id, at: new Date().toISOString() });
      return { id };
    },
  );
const pongs = async (id: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ponger.pongs where ping_id = ${id}`.execute(database.db))
    .rows[0]!.n;
const startBus = async () => {
  bus = await EventBus.start(database, [pinger, ponger, sleeper, operations], {
    retryLimit: 1,
    retryDelaySeconds: 1,
    handlerTimeoutSeconds: 2,
    sweepIntervalSeconds: 1,
  });
  return bus;
};

beforeAll(async () => {
  database = await createTestDatabase();
  for (const m of [pinger, ponger, sleeper, operations]) await migrateDomain(database.db, m.name, m.migrations);
});
afterAll(async () => {
  await bus?.stop();
  await database.close();
});

describe(`event dispatch on ${testDatabaseKind()}`, () => {
  it("delivers an event committed before the bus started (a crash between commit and dispatch)", async () => {
    await ping("early");
    expect(await pongs("early")).toBe(0);
    await startBus();
    await bus!.settle();
    expect(await pongs("early")).toBe(1);
  });

  it("delivers an event to another domain's handler once it commits", async () => {
    await ping("p1");
    await bus!.settle();
    expect(await pongs("p1")).toBe(1);
  });

  it("applies an event delivered twice only once (the handler's inbox)", async () => {
    await ping("twice");
    await bus!.settle();
    const { rows } = await sql<{
      id: string;
    }>`select id from pinger.outbox_events where aggregate_id = 'twice'`.execute(database.db);
    const event: DeliveredEvent = {
      id: rows[0]!.id,
      type: "pinger.ping.sent",
      version: 1,
      source: "pinger",
      aggregateType: "Ping",
      aggregateId: "twice",
      payload: { id: "twice", at: new Date().toISOString() },
      occurredAt: new Date().toISOString(),
      requestId: "r",
    };
    await bus!.boss.send("pinger.ping.sent:ponger.count-ping", event);
    await bus!.boss.send("pinger.ping.sent:ponger.count-ping", event);
    await bus!.settle();
    expect(await pongs("twice")).toBe(1);
  });

  it("retries a failing handler, dead-letters it for an operator, and delivers it on the operator's retry", async () => {
    failing = true;
    await ping("doomed");
    await bus!.settle(20_000);
    expect(await pongs("doomed")).toBe(0);
    const ops = subgraphClient(operations, database.db);
    const listed = await ops.request(`{ failedEvents { id eventType domain handler attempts error status } }`);
    const failure = listed.data.failedEvents.find((f: any) => f.eventType === "pinger.ping.sent");
    expect(failure).toMatchObject({
      domain: "ponger",
      handler: "count-ping",
      attempts: 2,
      error: "ponger is down",
      status: "FAILED",
    });
    failing = false;
    const retried = await ops.request(
      `mutation($i: RetryFailedEventInput!) { retryFailedEvent(input: $i) { failedEvent { status } errors { code } } }`,
      { i: { idempotencyKey: "retry-doomed", failedEventId: failure.id } },
    );
    expect(retried.data.retryFailedEvent).toEqual({ failedEvent: { status: "RETRIED" }, errors: [] });
    await bus!.settle();
    expect(await pongs("doomed")).toBe(1);
    const again = await ops.request(
      `mutation($i: RetryFailedEventInput!) { retryFailedEvent(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: "retry-doomed-again", failedEventId: failure.id } },
    );
    expect(again.data.retryFailedEvent.errors[0].code).toBe("INVALID_STATE_TRANSITION");
  });

  it("dead-letters a payload its contract refuses at once, with the validation error, and changes nothing", async () => {
    // Written past emit (which would refuse it), as an older or foreign producer might.
    await sql`insert into pinger.outbox_events (type, aggregate_type, aggregate_id, payload, request_id)
      values ('pinger.ping.sent', 'Ping', 'bad', ${JSON.stringify({ id: "", at: "yesterday" })}, 'r-bad')`.execute(
      database.db,
    );
    const inbox = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from ponger.inbox_events`.execute(database.db)).rows[0]!.n;
    const handledBefore = await inbox();
    await bus!.settle();
    expect(await pongs("")).toBe(0);
    expect(await inbox()).toBe(handledBefore);
    const { rows } = await sql<{ attempts: number; error: string; status: string }>`
      select attempts, error, status from operations.failed_events
      where event->>'aggregateId' = 'bad' and handler = 'count-ping'`.execute(database.db);
    // One attempt although the queue allows a retry: the same payload would fail the same way.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ attempts: 1, status: "FAILED" });
    expect(rows[0]!.error).toMatch(/^pinger\.ping\.sent \S+ does not match its contract: /);
    expect(rows[0]!.error).toContain("id: String must contain at least 1 character(s)");
    expect(rows[0]!.error).toContain("at: Invalid datetime");
  });

  it("relays an event its commit did not announce on this process's own sweep, within seconds", async () => {
    // Written past the action runner: no commit wakes the relay, as after a relay that failed.
    await sql`insert into pinger.outbox_events (type, aggregate_type, aggregate_id, payload, request_id)
      values ('pinger.ping.sent', 'Ping', 'swept', ${JSON.stringify({ id: "swept", at: new Date().toISOString() })}, 'r-swept')`.execute(
      database.db,
    );
    const deadline = Date.now() + 8_000;
    while ((await pongs("swept")) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await pongs("swept")).toBe(1);
  });

  it("dead-letters a delivery the job queue timed out, and refuses to retry it once its queue is gone", async () => {
    hanging = true;
    await ping("hung");
    const deadLetter = async () =>
      (
        await sql<{ id: string; attempts: number; error: string; queue: string }>`
          select id, attempts, error, queue from operations.failed_events
          where event->>'aggregateId' = 'hung' and handler = 'sleep-on-ping'`.execute(database.db)
      ).rows;
    const deadline = Date.now() + 40_000;
    while ((await deadLetter()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    hanging = false;
    const [failure] = await deadLetter();
    expect(failure).toMatchObject({ attempts: 2, queue: "pinger.ping.sent:sleeper.sleep-on-ping" });
    expect(failure!.error).toBe("the handler did not finish within 1.5 s");
    await bus!.settle();
    expect(await deadLetter()).toHaveLength(1);

    // The handler was renamed since (or removed): its old queue is gone.
    const gone = "pinger.ping.sent:sleeper.sleep-on-ping-renamed";
    await sql`update operations.failed_events set queue = ${gone} where id = ${failure!.id}`.execute(database.db);
    const ops = subgraphClient(operations, database.db);
    const retried = await ops.request(
      `mutation($i: RetryFailedEventInput!) { retryFailedEvent(input: $i) { failedEvent { status } errors { code message } } }`,
      { i: { idempotencyKey: "retry-hung", failedEventId: failure!.id } },
    );
    expect(retried.data.retryFailedEvent.failedEvent).toBeNull();
    expect(retried.data.retryFailedEvent.errors).toEqual([
      {
        code: "EVENT_QUEUE_GONE",
        message: `The queue ${gone} no longer exists: no handler would receive the event`,
      },
    ]);
    const { rows } = await sql<{ status: string }>`
      select status from operations.failed_events where id = ${failure!.id}`.execute(database.db);
    expect(rows[0]!.status).toBe("FAILED");
  }, 60_000);
});
