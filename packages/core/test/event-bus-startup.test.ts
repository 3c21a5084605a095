import { defineEvent } from "@erp/contracts";
import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { runBusinessAction } from "../src/action.js";
import { SYSTEM_PRINCIPAL } from "../src/context.js";
import { type Database, openDatabase, withStartupLock } from "../src/database.js";
import { EventBus } from "../src/events/event-bus.js";
import { defineHandler } from "../src/events/handler.js";
import { logger } from "../src/logger.js";
import { migrateDomain } from "../src/migrations.js";
import { operations } from "../src/operations/operations.js";
import { defineSubgraph } from "../src/subgraph.js";

// Six toy domains, each with five handler queues and a scheduled job: as many queues as a
// split deployment creates when every process starts at once.
const domains = Array.from({ length: 6 }, (_, i) => {
  const happened = defineEvent({
    type: `startup${i}.thing.happened`,
    version: 1,
    source: `startup${i}`,
    aggregateType: "Thing",
    payload: z.object({}),
  });
  return defineSubgraph({
    name: `startup${i}`,
    publishes: [happened],
    typeDefs: parse("type Query { ok: Boolean }"),
    resolvers: {},
    migrations: {},
    createLoaders: () => ({}),
    handlers: Array.from({ length: 5 }, (_, j) => defineHandler(happened, `react-${j}`, async () => {})),
    jobs: [{ name: "hourly", cron: "0 * * * *", run: async () => {} }],
  });
});

describe.skipIf(testDatabaseKind() !== "postgres")("event buses starting together on one PostgreSQL", () => {
  it("all migrate and start at once on a fresh database: no deadlock, no duplicate schema", async () => {
    const shared = await createTestDatabase();
    // One pool per "process", as separate subgraph processes have.
    const processes: Database[] = await Promise.all(
      domains.map(() => openDatabase({ url: shared.url!, maxConnections: 5 })),
    );
    // As a subgraph process starts: its own schema, the shared operations schema, then the bus.
    const start = async (d: (typeof domains)[number], database: Database) => {
      await withStartupLock(database, async () => {
        await migrateDomain(database.db, d.name, d.migrations);
        await migrateDomain(database.db, operations.name, operations.migrations);
      });
      return EventBus.start(database, [d]);
    };
    const started = await Promise.allSettled(domains.map((d, i) => start(d, processes[i]!)));
    const failures = started.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    for (const r of started) if (r.status === "fulfilled") await r.value.stop();
    for (const p of processes) await p.close();
    await shared.close();
    expect(failures).toEqual([]);
  }, 120_000);
});

describe(`routing from the static consumer table on ${testDatabaseKind()}`, () => {
  it("delivers an event published before its consumer's process ever started", async () => {
    const [publisher, consumer] = [domains[0]!, domains[1]!];
    const happened = publisher.publishes![0]!;
    const handled: string[] = [];
    const late = {
      ...consumer,
      handlers: [defineHandler(happened, "late-reaction", async (event) => void handled.push(event.aggregateId))],
    };
    const consumers = [{ event: happened.type, domain: late.name, handler: "late-reaction" }] as never[];
    const database = await createTestDatabase();
    for (const d of [publisher, late, operations]) await migrateDomain(database.db, d.name, d.migrations);
    // Only the publisher runs: the consumer's queue exists because the table names it.
    const publishing = await EventBus.start(database, [publisher], { consumers });
    await runBusinessAction(
      { db: database.db, principal: SYSTEM_PRINCIPAL, requestId: "r-late", log: logger, domain: publisher.name },
      { operation: "happen", input: { idempotencyKey: "late-1" } },
      async (scope) => {
        await scope.emit(happened, "thing-1", {});
        return {};
      },
    );
    await publishing.relayNow(); // into the consumer's queue, which no process works yet
    const consuming = await EventBus.start(database, [late], { consumers });
    await consuming.settle();
    await publishing.stop();
    await consuming.stop();
    await database.close();
    expect(handled).toEqual(["thing-1"]);
  }, 60_000);
});
