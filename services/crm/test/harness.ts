import { type Database, sql } from "@erp/core";
import { createMigratedDatabase, crmFactory, subgraphClient } from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { crm } from "../src/index.js";

/** One fresh migrated database per test file, a CRM subgraph client and factories. */
export function useCrm() {
  const env = {} as {
    database: Database;
    client: ReturnType<typeof subgraphClient>;
    make: ReturnType<typeof crmFactory>;
    count: (table: string, where?: string) => Promise<number>;
  };
  beforeAll(async () => {
    env.database = await createMigratedDatabase([crm]);
    env.client = subgraphClient(crm, env.database.db);
    env.make = crmFactory(env.client);
    env.count = async (table, where = "true") => {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(env.database.db);
      return rows[0]!.n;
    };
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every CRM table, to prove a refusal wrote nothing. */
export async function snapshot(env: ReturnType<typeof useCrm>): Promise<number[]> {
  const tables = [
    "customers",
    "contacts",
    "leads",
    "opportunities",
    "activities",
    "audit_log",
    "outbox_events",
    "idempotency_keys",
  ];
  return Promise.all(tables.map((t) => env.count(`crm.${t}`)));
}
