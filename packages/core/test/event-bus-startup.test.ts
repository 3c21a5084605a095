import { defineEvent } from "@erp/contracts";
import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type Database, openDatabase } from "../src/database.js";
import { EventBus } from "../src/events/event-bus.js";
import { defineHandler } from "../src/events/handler.js";
import { migrateDomain } from "../src/migrations.js";
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
  it("all start, one per process, though pg-boss's queue creation deadlocks between them", async () => {
    const shared = await createTestDatabase();
    for (const d of domains) await migrateDomain(shared.db, d.name, d.migrations);
    // One pool per "process", as separate subgraph processes have.
    const processes: Database[] = await Promise.all(
      domains.map(() => openDatabase({ url: shared.url!, maxConnections: 5 })),
    );
    const started = await Promise.allSettled(domains.map((d, i) => EventBus.start(processes[i]!, [d])));
    const failures = started.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    for (const r of started) if (r.status === "fulfilled") await r.value.stop();
    for (const p of processes) await p.close();
    await shared.close();
    expect(failures).toEqual([]);
  }, 120_000);
});
