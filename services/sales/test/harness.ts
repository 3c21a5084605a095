import type { Database } from "@erp/core";
import { countRows, createMigratedDatabase, deliverEvent, schemaRowCounts, subgraphClient } from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { sales } from "../src/index.js";

/** One fresh migrated database per test file, a sales subgraph client and event delivery. */
export function useSales() {
  const env = {} as {
    database: Database;
    client: ReturnType<typeof subgraphClient>;
    deliver: (type: string, payload: Record<string, unknown>) => Promise<unknown>;
    count: (table: string, where?: string) => Promise<number>;
  };
  beforeAll(async () => {
    env.database = await createMigratedDatabase([sales]);
    env.client = subgraphClient(sales, env.database.db);
    env.deliver = (type, payload) => deliverEvent(env.database.db, sales, type, payload);
    env.count = (table, where) => countRows(env.database.db, table, where);
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every sales table, to prove a refusal wrote nothing. */
export const snapshot = (env: { database: Database }) => schemaRowCounts(env.database.db, "sales");
