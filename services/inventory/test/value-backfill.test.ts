import { migrateDomain } from "@erp/core";
import { createTestDatabase, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import * as m0001 from "../src/migrations/0001_inventory.js";
import { migrations } from "../src/migrations/index.js";

describe(`backfilling movement values on ${testDatabaseKind()}`, () => {
  it("values existing movements at quantity × unit cost, half-even, and each level at the sum of its movements", async () => {
    const database = await createTestDatabase();
    const db = database.db;
    try {
      await migrateDomain(db, "inventory", { "0001_inventory": m0001 });
      const { rows } = await sql<{ product: string; warehouse: string }>`
        with p as (
          insert into inventory.products (sku, name, unit_of_measure, type, standard_cost, cost_currency, list_price, price_currency)
          values ('OLD-1', 'Old', 'PIECE', 'STOCKED', 1, 'EUR', 2, 'EUR') returning id
        ), w as (insert into inventory.warehouses (code, name) values ('OLD-W', 'Old') returning id)
        select p.id as product, w.id as warehouse from p, w`.execute(db);
      const { product, warehouse } = rows[0]!;
      await sql`insert into inventory.stock_levels (product_id, warehouse_id, on_hand, average_unit_cost)
        values (${product}, ${warehouse}, 2, 10.006667)`.execute(db);
      // 1 × 10.005 = 10.005 → 10.00 (half-even, where round() would give 10.01); 2 × 10.0125 = 20.025 → 20.02;
      // −1 × 10.006667 → −10.01.
      for (const [kind, quantity, cost] of [
        ["RECEIPT", "1", "10.005"],
        ["RECEIPT", "2", "10.0125"],
        ["ISSUE", "-1", "10.006667"],
      ])
        await sql`insert into inventory.stock_movements (product_id, warehouse_id, kind, quantity, unit_cost, recorded_by)
          values (${product}, ${warehouse}, ${kind}, ${quantity}, ${cost}, 'seed')`.execute(db);

      await migrateDomain(db, "inventory", migrations);

      const values = await sql<{ value: string }>`
        select value::text from inventory.stock_movements order by seq`.execute(db);
      expect(values.rows.map((r) => r.value)).toEqual(["10.0000", "20.0200", "-10.0100"]);
      const level = await sql<{ stock_value: string }>`select stock_value::text from inventory.stock_levels`.execute(
        db,
      );
      expect(level.rows[0]!.stock_value).toBe("20.0100");
      // The ledger stays append-only after the backfill.
      await expect(sql`update inventory.stock_movements set value = 0`.execute(db)).rejects.toThrow(/append-only/);
    } finally {
      await database.close();
    }
  });
});
