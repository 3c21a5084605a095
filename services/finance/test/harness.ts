import type { Database } from "@erp/core";
import {
  countRows,
  createMigratedDatabase,
  deliverEvent,
  schemaRowCounts,
  subgraphClient,
  type TestClock,
  testClock,
} from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { finance } from "../src/index.js";

/** One fresh migrated database per test file, a business clock the test moves, and a finance subgraph client. */
export function useFinance() {
  const env = { clock: testClock() } as {
    database: Database;
    client: ReturnType<typeof subgraphClient>;
    clock: TestClock;
    count: (table: string, where?: string) => Promise<number>;
    /** Delivers another domain's event to finance's handlers, on the test's clock. */
    deliver: (type: string, payload: Record<string, unknown>) => Promise<unknown>;
  };
  beforeAll(async () => {
    env.database = await createMigratedDatabase([finance]);
    env.client = subgraphClient(finance, env.database.db, undefined, env.clock);
    env.count = (table, where) => countRows(env.database.db, table, where);
    env.deliver = (type, payload) => deliverEvent(env.database.db, finance, type, payload, env.clock);
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every finance table, to prove a refusal wrote nothing. */
export const snapshot = (env: { database: Database }) => schemaRowCounts(env.database.db, "finance");
