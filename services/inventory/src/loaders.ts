import { loaderById } from "@erp/core";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import type { InventoryDatabase } from "./db.js";
import { type Product, toProduct } from "./product.js";
import { type StockLevel, toStockLevel } from "./stock-level.js";
import { toWarehouse } from "./warehouse.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createInventoryLoaders(db: Kysely<InventoryDatabase>) {
  return {
    product: loaderById(async (ids) =>
      (await db.selectFrom("inventory.products").selectAll().where("id", "in", ids).execute()).map(toProduct),
    ),
    productBySku: new DataLoader<string, Product | null>(async (skus) => {
      const rows = await db.selectFrom("inventory.products").selectAll().where("sku", "in", skus).execute();
      const found = new Map(rows.map((r) => [r.sku, toProduct(r)]));
      return skus.map((sku) => found.get(sku) ?? null);
    }),
    warehouse: loaderById(async (ids) =>
      (await db.selectFrom("inventory.warehouses").selectAll().where("id", "in", ids).execute()).map(toWarehouse),
    ),
    stockLevelsOfProduct: levelsBy(db, "product_id"),
    stockLevelsOfWarehouse: levelsBy(db, "warehouse_id"),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;

function levelsBy(db: Kysely<InventoryDatabase>, column: "product_id" | "warehouse_id") {
  return new DataLoader<string, StockLevel[]>(async (ids) => {
    const rows = await db
      .selectFrom("inventory.stock_levels")
      .selectAll()
      .where(column, "in", ids)
      .orderBy("product_id")
      .orderBy("warehouse_id")
      .execute();
    return ids.map((id) => rows.filter((r) => r[column] === id).map(toStockLevel));
  });
}
