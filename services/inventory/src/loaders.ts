import { listLoaderByKey, loaderById, loaderByKey } from "@erp/core";
import type { Kysely } from "kysely";
import { toAdjustment } from "./adjustment.js";
import type { InventoryDatabase } from "./db.js";
import { toMovement } from "./movement.js";
import { toProduct } from "./product.js";
import { toStockLevel } from "./stock-level.js";
import { toWarehouse } from "./warehouse.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createInventoryLoaders(db: Kysely<InventoryDatabase>) {
  return {
    product: loaderById(async (ids) =>
      (await db.selectFrom("inventory.products").selectAll().where("id", "in", ids).execute()).map(toProduct),
    ),
    productBySku: loaderByKey(
      async (skus) =>
        (await db.selectFrom("inventory.products").selectAll().where("sku", "in", skus).execute()).map(toProduct),
      (product) => product.sku,
    ),
    warehouse: loaderById(async (ids) =>
      (await db.selectFrom("inventory.warehouses").selectAll().where("id", "in", ids).execute()).map(toWarehouse),
    ),
    movement: loaderById(async (ids) =>
      (await db.selectFrom("inventory.stock_movements").selectAll().where("id", "in", ids).execute()).map(toMovement),
    ),
    adjustment: loaderById(async (ids) =>
      (await db.selectFrom("inventory.stock_adjustments").selectAll().where("id", "in", ids).execute()).map(
        toAdjustment,
      ),
    ),
    stockLevelsOfProduct: levelsBy(db, "product_id"),
    stockLevelsOfWarehouse: levelsBy(db, "warehouse_id"),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;

function levelsBy(db: Kysely<InventoryDatabase>, column: "product_id" | "warehouse_id") {
  return listLoaderByKey(
    (ids) =>
      db
        .selectFrom("inventory.stock_levels")
        .selectAll()
        .where(column, "in", ids)
        .orderBy("product_id")
        .orderBy("warehouse_id")
        .execute(),
    (r) => r[column],
    toStockLevel,
  );
}
