import { subgraphRunner } from "@erp/core";
import { testDatabaseKind } from "@erp/testing";
import { type Kysely, sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { ProcurementDatabase } from "../src/db.js";
import { procurement } from "../src/index.js";
import { exampleOperation } from "../src/seed.js";
import { useProcurement } from "./harness.js";

const env = useProcurement();

describe(`procurement demo data on ${testDatabaseKind()}`, () => {
  it("seeds suppliers, purchase orders in every state, a matched and an on-hold bill, and again changes nothing", async () => {
    for (let i = 0; i < 4; i++) await env.product();
    const seed = () =>
      procurement.seed!(subgraphRunner(procurement, env.database.db), {
        db: env.database.db as Kysely<ProcurementDatabase>,
        settle: async () => {},
      });
    await seed();
    const counts = async (table: string) =>
      Object.fromEntries(
        (
          await sql<{
            status: string;
            n: number;
          }>`select status, count(*)::int as n from ${sql.table(table)} group by status`.execute(env.database.db)
        ).rows.map((r) => [r.status, r.n]),
      );
    const orders = await counts("procurement.purchase_orders");
    expect(Object.keys(orders).sort()).toEqual(
      [
        "APPROVED",
        "CANCELLED",
        "CLOSED",
        "DRAFT",
        "PARTIALLY_RECEIVED",
        "PENDING_APPROVAL",
        "RECEIVED",
        "REJECTED",
      ].sort(),
    );
    expect(await counts("procurement.supplier_bills")).toEqual({ MATCHED: 1, ON_HOLD: 1 });
    expect(await counts("procurement.suppliers")).toEqual({ ACTIVE: 2, BLOCKED: 1 });
    const before = await env.snapshot();
    await seed();
    expect(await env.snapshot()).toEqual(before);
    const example = await env.client.request(exampleOperation);
    expect(example.errors).toBeUndefined();
    expect(example.data.purchaseOrders.nodes).toHaveLength(8);
  });
});
