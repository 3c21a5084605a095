import type { Database } from "@erp/core";
import { countRows, createMigratedDatabase, schemaRowCounts, subgraphClient } from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { finance } from "../src/index.js";

/** One fresh migrated database per test file and a finance subgraph client. */
export function useFinance() {
  const env = {} as {
    database: Database;
    client: ReturnType<typeof subgraphClient>;
    count: (table: string, where?: string) => Promise<number>;
  };
  beforeAll(async () => {
    env.database = await createMigratedDatabase([finance]);
    env.client = subgraphClient(finance, env.database.db);
    env.count = (table, where) => countRows(env.database.db, table, where);
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every finance table, to prove a refusal wrote nothing. */
export const snapshot = (env: { database: Database }) => schemaRowCounts(env.database.db, "finance");
