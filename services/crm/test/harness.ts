import type { Database } from "@erp/core";
import { countRows, createMigratedDatabase, crmFactory, schemaRowCounts, subgraphClient } from "@erp/testing";
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
    env.count = (table, where) => countRows(env.database.db, table, where);
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every crm table, to prove a refusal wrote nothing. */
export const snapshot = (env: { database: Database }) => schemaRowCounts(env.database.db, "crm");
