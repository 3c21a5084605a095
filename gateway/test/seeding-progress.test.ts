import { logger, operations, type SubgraphModule } from "@erp/core";
import { createTestDatabase } from "@erp/testing";
import { sql } from "kysely";
import { expect, it, vi } from "vitest";
import { seedDomains } from "../src/runtime.js";

it("seeding reports each domain with what its actions wrote, by kind", async () => {
  const database = await createTestDatabase();
  await sql`create schema demo`.execute(database.db);
  await sql`create table demo.audit_log (aggregate_type text not null)`.execute(database.db);
  const subgraph = { ...operations, seed: undefined }; // any buildable subgraph
  const demo = {
    ...subgraph,
    name: "demo",
    seed: async (_run: unknown, { db }: { db: typeof database.db }) => {
      await sql`insert into demo.audit_log values ('Customer'), ('Customer'), ('Contact')`.execute(db);
    },
  } as unknown as SubgraphModule;
  const quiet = { ...subgraph, name: "quiet" } as unknown as SubgraphModule; // no demo data: not reported
  const info = vi.spyOn(logger, "info");
  try {
    await seedDomains(database, [demo, quiet]);
    const lines = info.mock.calls.filter(([, message]) => message === "seeded").map(([fields]) => fields);
    expect(lines).toEqual([
      expect.objectContaining({ domain: "demo", records: 3, byKind: { Customer: 2, Contact: 1 } }),
    ]);
  } finally {
    info.mockRestore();
    await database.close();
  }
});
