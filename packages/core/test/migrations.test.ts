import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/database.js";
import { migrateDomain } from "../src/migrations.js";

const migrations = {
  "0001_things": {
    up: async (db: any) => {
      // Not idempotent on purpose: running it twice would fail.
      await sql`create table race_test.things (id int primary key)`.execute(db);
      await sql`insert into race_test.things values (1)`.execute(db);
    },
  },
};

describe(`migrateDomain on ${testDatabaseKind()}`, () => {
  it("applies each migration once, and a second run applies nothing", async () => {
    const database = await createTestDatabase();
    try {
      const first = await migrateDomain(database.db, "race_test", migrations);
      const second = await migrateDomain(database.db, "race_test", migrations);
      expect(first).toEqual({ domain: "race_test", applied: ["0000_kernel", "0001_things"], freshSchema: true });
      expect(second).toEqual({ domain: "race_test", applied: [], freshSchema: false });
    } finally {
      await database.close();
    }
  });

  it.runIf(testDatabaseKind() === "postgres")(
    "two processes migrating at once apply each migration exactly once",
    async () => {
      const database = await createTestDatabase();
      // Separate pools stand in for separate processes: separate connections, one advisory lock.
      const others = await Promise.all([1, 2, 3].map(() => openDatabase({ url: database.url! })));
      try {
        const reports = await Promise.all(others.map((o) => migrateDomain(o.db, "race_test", migrations)));
        expect(reports.flatMap((r) => r.applied).sort()).toEqual(["0000_kernel", "0001_things"]);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from race_test.schema_migrations`.execute(
          database.db,
        );
        expect(rows[0]!.n).toBe(2);
      } finally {
        await Promise.all(others.map((o) => o.close()));
        await database.close();
      }
    },
  );
});
