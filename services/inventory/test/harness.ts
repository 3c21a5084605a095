import { sql } from "@erp/core";
import { inventoryFactory, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { beforeAll } from "vitest";
import { inventory } from "../src/index.js";

/** The shared subgraph harness on the inventory module, plus inventory's factories and a SQL probe. */
export function useInventory() {
  const env = useSubgraph(inventory) as SubgraphEnv & {
    make: ReturnType<typeof inventoryFactory>;
    scalar: (query: string) => Promise<string>;
  };
  beforeAll(() => {
    env.make = inventoryFactory(env.client);
    env.scalar = async (query) => {
      const { rows } = await sql<{ v: string }>`${sql.raw(query)}`.execute(env.database.db);
      return String(rows[0]!.v);
    };
  });
  return env;
}

/** Row counts of every inventory table, to prove a refusal wrote nothing. */
export const snapshot = (env: SubgraphEnv) => env.snapshot();

export const LEVEL = "onHand reserved available averageUnitCost { amount currency } reorderPoint belowReorderPoint";
export const ERRORS = "errors { code field message }";
