import { assertIds, present } from "@erp/core";
import type { InventoryContext } from "./context.js";
import type { QueryResolvers, Resolvers } from "./generated/resolvers-types.js";
import { productMovementReport } from "./movement-report.js";
import { listMovements } from "./queries.js";

/** The day after `day`: a period's last day is included, the ledger filter's `to` is exclusive. */
const dayAfter = (day: string) => new Date(Date.parse(day) + 86_400_000).toISOString();

/** Inventory's reports: a product's stock movements over a period. */
export const reportQueries: Pick<QueryResolvers<InventoryContext>, "productStockMovements"> = {
  productStockMovements: async (_, { productId, warehouseId, from, to }, ctx) => {
    assertIds({ productId, warehouseId });
    const report = productMovementReport(ctx.db, { productId, warehouseId: warehouseId ?? null, from, to });
    // Both run at once; the report validates the period before the product is known to be missing.
    const [product, movements] = await Promise.all([ctx.loaders.product.load(productId), report]);
    return product ? movements : null;
  },
};

export const reportTypes: Pick<Resolvers, "ProductStockMovements"> = {
  ProductStockMovements: {
    product: (report, _, ctx) => present(ctx.loaders.product.load(report.productId), "Product"),
    warehouse: (report, _, ctx) => (report.warehouseId ? ctx.loaders.warehouse.load(report.warehouseId) : null),
    movements: (report, args, ctx) =>
      listMovements(ctx.db, {
        ...args,
        filter: {
          productId: report.productId,
          warehouseId: report.warehouseId,
          from: new Date(report.from).toISOString(),
          to: dayAfter(report.to),
        },
      }),
  },
};
