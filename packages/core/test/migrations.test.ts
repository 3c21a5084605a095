import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { Migrator, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/database.js";
import { kernelMigration } from "../src/kernel-schema.js";
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
      expect(first).toEqual({
        domain: "race_test",
        applied: [
          "0000_kernel",
          "0000_kernel_0002_audit_actor",
          "0000_kernel_0003_event_version",
          "0000_kernel_0004_audit_log_no_truncate",
          "0001_things",
        ],
        freshSchema: true,
      });
      expect(second).toEqual({ domain: "race_test", applied: [], freshSchema: false });
    } finally {
      await database.close();
    }
  });

  it("gives a database migrated before a kernel migration existed that migration, after its own", async () => {
    const database = await createTestDatabase();
    try {
      // The state of a database that shipped with the first kernel migration only.
      await sql`create schema race_test`.execute(database.db);
      const before = new Migrator({
        db: database.db,
        migrationTableSchema: "race_test",
        migrationTableName: "schema_migrations",
        migrationLockTableName: "schema_migrations_lock",
        provider: { getMigrations: async () => ({ "0000_kernel": kernelMigration("race_test"), ...migrations }) },
      });
      expect((await before.migrateToLatest()).error).toBeUndefined();

      const report = await migrateDomain(database.db, "race_test", migrations);
      expect(report).toEqual({
        domain: "race_test",
        applied: [
          "0000_kernel_0002_audit_actor",
          "0000_kernel_0003_event_version",
          "0000_kernel_0004_audit_log_no_truncate",
        ],
        freshSchema: false,
      });
      const { rows } = await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = 'race_test' and table_name = 'audit_log' and column_name in ('actor_kind', 'api_key_id')
        order by column_name`.execute(database.db);
      expect(rows.map((r) => r.column_name)).toEqual(["actor_kind", "api_key_id"]);
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
        expect(reports.flatMap((r) => r.applied).sort()).toEqual([
          "0000_kernel",
          "0000_kernel_0002_audit_actor",
          "0000_kernel_0003_event_version",
          "0000_kernel_0004_audit_log_no_truncate",
          "0001_things",
        ]);
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from race_test.schema_migrations`.execute(
          database.db,
        );
        expect(rows[0]!.n).toBe(5);
      } finally {
        await Promise.all(others.map((o) => o.close()));
        await database.close();
      }
    },
  );
});
