import { type Database, sql } from "@erp/core";
import { createMigratedDatabase, subgraphClient } from "@erp/testing";
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

const TABLES = [
  "journal_entries",
  "journal_lines",
  "invoices",
  "invoice_lines",
  "payments",
  "allocations",
  "refunds",
  "credit_notes",
  "interest_accruals",
  "credit_lines",
  "credit_line_approvals",
  "credit_holds",
  "audit_log",
  "outbox_events",
  "idempotency_keys",
];

/** Row counts of every table a finance action writes, to prove a refusal wrote nothing. */
export async function snapshot(env: ReturnType<typeof useFinance>): Promise<number[]> {
  return Promise.all(TABLES.map((t) => env.count(`finance.${t}`)));
}
