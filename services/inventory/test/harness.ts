import { type Database, type Principal, sql } from "@erp/core";
import { countRows, createMigratedDatabase, inventoryFactory, schemaRowCounts, subgraphClient } from "@erp/testing";
import { afterAll, beforeAll } from "vitest";
import { inventory } from "../src/index.js";

/** One fresh migrated database per test file, an inventory subgraph client and factories. */
export function useInventory() {
  const env = {} as {
    database: Database;
    client: ReturnType<typeof subgraphClient>;
    make: ReturnType<typeof inventoryFactory>;
    as(principal: Principal): ReturnType<typeof subgraphClient>;
    count: (table: string, where?: string) => Promise<number>;
    scalar: (query: string) => Promise<string>;
  };
  beforeAll(async () => {
    env.database = await createMigratedDatabase([inventory]);
    env.client = subgraphClient(inventory, env.database.db);
    env.make = inventoryFactory(env.client);
    env.as = (principal) => subgraphClient(inventory, env.database.db, principal);
    env.count = (table, where) => countRows(env.database.db, table, where);
    env.scalar = async (query) => {
      const { rows } = await sql<{ v: string }>`${sql.raw(query)}`.execute(env.database.db);
      return String(rows[0]!.v);
    };
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every inventory table, to prove a refusal wrote nothing. */
export const snapshot = (env: { database: Database }) => schemaRowCounts(env.database.db, "inventory");

export const LEVEL = "onHand reserved available averageUnitCost { amount currency } reorderPoint belowReorderPoint";
export const ERRORS = "errors { code field message }";
