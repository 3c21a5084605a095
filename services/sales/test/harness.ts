import { type Database, sql } from "@erp/core";
import { createMigratedDatabase, deliverEvent, subgraphClient } from "@erp/testing";
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

/** Row counts of every table a sales action writes, to prove a refusal wrote nothing. */
export async function snapshot(env: ReturnType<typeof useSales>): Promise<number[]> {
  const tables = [
    "quotes",
    "sales_orders",
    "lines",
    "shipments",
    "shipment_lines",
    "audit_log",
    "outbox_events",
    "idempotency_keys",
  ];
  return Promise.all(tables.map((t) => env.count(`sales.${t}`)));
}
