import { randomBytes } from "node:crypto";
import { type Database, migrateDomain, openDatabase, type SubgraphModule, sql } from "@erp/core";
import type { Kysely } from "kysely";
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

/** Rows of a table, optionally only those matching a SQL condition (test-written, never input). */
export async function countRows(db: Kysely<unknown>, table: string, where = "true"): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(db);
  return rows[0]!.n;
}

/**
 * Row counts of every table of a domain's schema, read from the catalogue so no table is left
 * out: a refused action must leave all of them as they were.
 */
export async function schemaRowCounts(db: Kysely<unknown>, schema: string): Promise<Record<string, number>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = ${schema} and table_type = 'BASE TABLE' order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name } of rows) counts[table_name] = await countRows(db, `${schema}."${table_name}"`);
  return counts;
}
