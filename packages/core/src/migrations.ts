import { type Kysely, type Migration, Migrator, sql } from "kysely";
import { kernelMigrations } from "./kernel-schema.js";

/** A domain's migrations, keyed by a name that sorts in the order they apply. */
export type DomainMigrations = Record<string, Migration>;

export interface MigrationReport {
  domain: string;
  applied: string[];
  /** True when this run created the domain's schema from nothing (first start). */
  freshSchema: boolean;
}

/**
 * Migrates each domain into its own Postgres schema with its own migration table.
 * Kysely's Migrator takes a transaction-scoped advisory lock, so two processes
 * starting at once apply each migration exactly once.
 */
export async function migrateDomain(
  db: Kysely<unknown>,
  domain: string,
  migrations: DomainMigrations,
): Promise<MigrationReport> {
  await sql`create schema if not exists ${sql.id(domain)}`.execute(db).catch(async (error) => {
    // Two processes can race on create schema; the loser sees it exists now.
    if (!(await schemaExists(db, domain))) throw error;
  });
  const migrator = new Migrator({
    db,
    migrationTableSchema: domain,
    migrationTableName: "schema_migrations",
    migrationLockTableName: "schema_migrations_lock",
    // A kernel migration added later sorts before the domain's applied ones; it still runs.
    allowUnorderedMigrations: true,
    provider: { getMigrations: async () => ({ ...kernelMigrations(domain), ...migrations }) },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  const applied = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  return { domain, applied, freshSchema: applied.includes("0000_kernel") };
}

async function schemaExists(db: Kysely<unknown>, schema: string): Promise<boolean> {
  const { rows } = await sql<{ exists: boolean }>`
    select exists(select 1 from information_schema.schemata where schema_name = ${schema}) as exists`.execute(db);
  return rows[0]?.exists === true;
}
