import { randomBytes } from "node:crypto";
import { type Database, migrateDomain, openDatabase, type SubgraphModule } from "@erp/core";
import pg from "pg";

/** The database kind this test run uses: PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export const testDatabaseKind = (): "postgres" | "pglite" => (process.env.TEST_DATABASE_URL ? "postgres" : "pglite");

/**
 * A fresh, empty database for one test file: an in-memory PGlite, or a new database
 * on the PostgreSQL server of TEST_DATABASE_URL (dropped on close), so files run in parallel.
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) return openDatabase({});
  const name = `erp_test_${randomBytes(6).toString("hex")}`;
  await admin(serverUrl, `create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const database = await openDatabase({ url, maxConnections: 60 });
  return {
    ...database,
    url,
    close: async () => {
      await database.close();
      await admin(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A fresh database with the given domains migrated. */
export async function createMigratedDatabase(modules: SubgraphModule[]): Promise<Database & { url?: string }> {
  const database = await createTestDatabase();
  for (const module of modules) await migrateDomain(database.db, module.name, module.migrations);
  return database;
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
