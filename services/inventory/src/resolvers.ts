import { type ActionScope, assertIds, Dec, present, runBusinessAction } from "@erp/core";
import { adjustStock, approveStockAdjustment, rejectStockAdjustment } from "./adjustment.js";
import type { InventoryContext } from "./context.js";
import type { InventoryDatabase } from "./db.js";
import { inventoryConstraintViolations } from "./errors.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { checkStockLedger } from "./ledger-check.js";
import { discontinueProduct, registerProduct, updateProductDetails } from "./product.js";
import { showQuantity } from "./quantity.js";
import {
  inventoryValuation,
  listMovements,
  listProducts,
  listStockLevels,
  pendingAdjustments,
  reservationsFor,
  stockLedgerDiscrepancies,
} from "./queries.js";
import { issueReservedStock, releaseReservation, reserveStock } from "./reservation.js";
import { receiveStock, transferStock } from "./stock.js";
import { setReorderPoint } from "./stock-level.js";
import { openWarehouse } from "./warehouse.js";

type Input = { idempotencyKey: string } & Record<string, unknown>;

/** Every inventory mutation: the inventory:write scope, one transaction, idempotent by its key. */
function act<P extends object>(
  ctx: InventoryContext,
  operation: string,
  input: Input,
  work: (s: ActionScope<InventoryDatabase>) => Promise<P>,
) {
  return runBusinessAction(ctx, { operation, input, uniqueViolations: inventoryConstraintViolations }, work);
}

/** Read scope, and ids that are ids: a malformed one is the caller's error, never SQL's. */
export const resolvers: Resolvers = {
  Query: {
    product: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.product.load(id)),
    productBySku: (_, { sku }, ctx) => ctx.loaders.productBySku.load(sku),
    products: (_, args, ctx) => listProducts(ctx.db, args),
    warehouse: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.warehouse.load(id)),
    warehouses: async (_, __, ctx) => {
      const rows = await ctx.db.selectFrom("inventory.warehouses").select("id").orderBy("code").execute();
      return (await ctx.loaders.warehouse.loadMany(rows.map((r) => r.id))).filter(
        (w) => w && !(w instanceof Error),
      ) as never;
    },
    stockLevels: (_, args, ctx) => (assertIds(args), listStockLevels(ctx.db, args)),
    stockMovements: (_, args, ctx) => (
      assertIds({ productId: args.filter?.productId, warehouseId: args.filter?.warehouseId }),
      listMovements(ctx.db, args)
    ),
    inventoryValuation: (_, { warehouseId }, ctx) => (
      assertIds({ warehouseId }), inventoryValuation(ctx.db, warehouseId)
    ),
    lowStock: (_, { warehouseId }, ctx) => (
      assertIds({ warehouseId }), listStockLevels(ctx.db, { warehouseId, onlyLow: true })
    ),
    pendingStockAdjustments: (_, __, ctx) => pendingAdjustments(ctx.db),
    reservations: (_, { reference }, ctx) => reservationsFor(ctx.db, reference),
    stockLedgerDiscrepancies: (_, __, ctx) => stockLedgerDiscrepancies(ctx.db),
  },
  Mutation: {
    registerProduct: (_, { input }, ctx) =>
      act(ctx, "registerProduct", input, async (s) => ({ product: await registerProduct(s, input) })),
    updateProductDetails: (_, { input }, ctx) =>
      act(ctx, "updateProductDetails", input, async (s) => ({ product: await updateProductDetails(s, input) })),
    discontinueProduct: (_, { input }, ctx) =>
      act(ctx, "discontinueProduct", input, async (s) => ({ product: await discontinueProduct(s, input) })),
    openWarehouse: (_, { input }, ctx) =>
      act(ctx, "openWarehouse", input, async (s) => ({ warehouse: await openWarehouse(s, input) })),
    receiveStock: (_, { input }, ctx) => act(ctx, "receiveStock", input, (s) => receiveStock(s, input)),
    transferStock: (_, { input }, ctx) => act(ctx, "transferStock", input, (s) => transferStock(s, input)),
    adjustStock: (_, { input }, ctx) => act(ctx, "adjustStock", input, (s) => adjustStock(s, input)),
    approveStockAdjustment: (_, { input }, ctx) =>
      act(ctx, "approveStockAdjustment", input, (s) => approveStockAdjustment(s, input)),
    rejectStockAdjustment: (_, { input }, ctx) =>
      act(ctx, "rejectStockAdjustment", input, (s) => rejectStockAdjustment(s, input)),
    reserveStock: async (_, { input }, ctx) => {
      const payload = await act(ctx, "reserveStock", input, async (s) => ({
        reservations: await reserveStock(s, input),
      }));
      return { ...payload, reservations: payload.reservations ?? [] };
    },
    releaseReservation: (_, { input }, ctx) =>
      act(ctx, "releaseReservation", input, (s) => releaseReservation(s, input)),
    issueReservedStock: (_, { input }, ctx) =>
      act(ctx, "issueReservedStock", input, (s) => issueReservedStock(s, input)),
    checkStockLedger: (_, { input }, ctx) => act(ctx, "checkStockLedger", input, (s) => checkStockLedger(s)),
    setReorderPoint: (_, { input }, ctx) =>
      act(ctx, "setReorderPoint", input, async (s) => ({ stockLevel: await setReorderPoint(s, input) })),
  },
  Product: {
    __resolveReference: (ref, ctx) =>
      "id" in ref ? ctx.loaders.product.load(ref.id) : ctx.loaders.productBySku.load(ref.sku),
    stockLevels: (product, _, ctx) => ctx.loaders.stockLevelsOfProduct.load(product.id),
    totalAvailable: async (product, _, ctx) =>
      showQuantity(
        (await ctx.loaders.stockLevelsOfProduct.load(product.id)).reduce((sum, l) => sum.plus(l.available), new Dec(0)),
      ),
  },
  Warehouse: {
    __resolveReference: (ref, ctx) => ctx.loaders.warehouse.load(ref.id),
    stockLevels: (warehouse, _, ctx) => ctx.loaders.stockLevelsOfWarehouse.load(warehouse.id),
  },
  StockLevel: {
    product: (level, _, ctx) => present(ctx.loaders.product.load(level.productId), "Product"),
    warehouse: (level, _, ctx) => present(ctx.loaders.warehouse.load(level.warehouseId), "Warehouse"),
  },
  StockMovement: {
    product: (m, _, ctx) => present(ctx.loaders.product.load(m.productId), "Product"),
    warehouse: (m, _, ctx) => present(ctx.loaders.warehouse.load(m.warehouseId), "Warehouse"),
  },
  Reservation: {
    product: (r, _, ctx) => present(ctx.loaders.product.load(r.productId), "Product"),
    warehouse: (r, _, ctx) => present(ctx.loaders.warehouse.load(r.warehouseId), "Warehouse"),
  },
  StockAdjustment: {
    product: (a, _, ctx) => present(ctx.loaders.product.load(a.productId), "Product"),
    warehouse: (a, _, ctx) => present(ctx.loaders.warehouse.load(a.warehouseId), "Warehouse"),
  },
  InventoryValuation: {
    warehouse: (v, _, ctx) => present(ctx.loaders.warehouse.load(v.warehouseId), "Warehouse"),
  },
  InventoryValuationLine: {
    product: (l, _, ctx) => present(ctx.loaders.product.load(l.productId), "Product"),
  },
  StockLedgerDiscrepancy: {
    product: (d, _, ctx) => present(ctx.loaders.product.load(d.productId), "Product"),
    warehouse: (d, _, ctx) => present(ctx.loaders.warehouse.load(d.warehouseId), "Warehouse"),
  },
};
