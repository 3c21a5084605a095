import { type Database, type Principal, sql } from "@erp/core";
import { createMigratedDatabase, inventoryFactory, subgraphClient } from "@erp/testing";
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
    env.count = async (table, where = "true") => {
      const { rows } = await sql<{
        n: number;
      }>`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(env.database.db);
      return rows[0]!.n;
    };
    env.scalar = async (query) => {
      const { rows } = await sql<{ v: string }>`${sql.raw(query)}`.execute(env.database.db);
      return String(rows[0]!.v);
    };
  });
  afterAll(() => env.database.close());
  return env;
}

/** Row counts of every inventory table, to prove a refusal wrote nothing. */
export async function snapshot(env: ReturnType<typeof useInventory>): Promise<number[]> {
  const tables = [
    "products",
    "warehouses",
    "stock_levels",
    "stock_movements",
    "reservations",
    "stock_adjustments",
    "audit_log",
    "outbox_events",
    "idempotency_keys",
  ];
  return Promise.all(tables.map((t) => env.count(`inventory.${t}`)));
}

export const LEVEL = "onHand reserved available averageUnitCost { amount currency } reorderPoint belowReorderPoint";
export const ERRORS = "errors { code field message }";
