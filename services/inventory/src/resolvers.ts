import { actionResolvers, assertIds, capped, Dec, pageArgs, present, typenameOf } from "@erp/core";
import { adjustStock, approveStockAdjustment, rejectStockAdjustment } from "./adjustment.js";
import type { InventoryContext } from "./context.js";
import { documentOf } from "./documents.js";
import { inventoryConstraintViolations } from "./errors.js";
import type { ReserveStockInput, Resolvers, StockDocument } from "./generated/resolvers-types.js";
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
import { reportQueries, reportTypes } from "./report-resolvers.js";
import { issueReservedStock, releaseReservation, reserveStockByHand } from "./reservation.js";
import { receiveStock, transferStock } from "./stock.js";
import { setReorderPoint } from "./stock-level.js";
import { openWarehouse } from "./warehouse.js";

/** Every inventory mutation: the inventory:write scope, one transaction, idempotent by its key. */
const act = actionResolvers<InventoryContext>({ uniqueViolations: inventoryConstraintViolations });

/** A refused reservation still answers with a list: an empty one. */
const reserve = act(async (s, input: ReserveStockInput) => ({ reservations: await reserveStockByHand(s, input) }));

/** Read scope, and ids that are ids: a malformed one is the caller's error, never SQL's. */
export const resolvers: Resolvers = {
  Query: {
    ...reportQueries,
    product: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.product.load(id)),
    productBySku: (_, { sku }, ctx) => ctx.loaders.productBySku.load(sku),
    products: (_, args, ctx, info) => listProducts(ctx.db, pageArgs(args, info)),
    warehouse: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.warehouse.load(id)),
    warehouses: async (_, __, ctx) => {
      const rows = await ctx.db.selectFrom("inventory.warehouses").select("id").orderBy("code").limit(500).execute();
      return (await ctx.loaders.warehouse.loadMany(rows.map((r) => r.id))).filter(
        (w) => w && !(w instanceof Error),
      ) as never;
    },
    stockLevels: (_, args, ctx) => (assertIds(args), listStockLevels(ctx.db, args)),
    stockMovements: (_, args, ctx, info) => (
      assertIds({ productId: args.filter?.productId, warehouseId: args.filter?.warehouseId }),
      listMovements(ctx.db, pageArgs(args, info))
    ),
    inventoryValuation: (_, { warehouseId }, ctx) => (
      assertIds({ warehouseId }), inventoryValuation(ctx.db, warehouseId)
    ),
    lowStock: (_, { warehouseId }, ctx) => (
      assertIds({ warehouseId }), listStockLevels(ctx.db, { warehouseId, onlyLow: true })
    ),
    pendingStockAdjustments: (_, __, ctx) => pendingAdjustments(ctx.db),
    reservations: (_, { reference }, ctx) => reservationsFor(ctx.db, reference),
    stockLedgerDiscrepancies: (_, __, ctx) => capped(stockLedgerDiscrepancies(ctx.db), 500),
  },
  Mutation: {
    registerProduct: act(async (s, input) => ({ product: await registerProduct(s, input) })),
    updateProductDetails: act(async (s, input) => ({ product: await updateProductDetails(s, input) })),
    discontinueProduct: act(async (s, input) => ({ product: await discontinueProduct(s, input) })),
    openWarehouse: act(async (s, input) => ({ warehouse: await openWarehouse(s, input) })),
    receiveStock: act((s, input) => receiveStock(s, input)),
    transferStock: act((s, input) => transferStock(s, input)),
    adjustStock: act((s, input) => adjustStock(s, input)),
    approveStockAdjustment: act((s, input) => approveStockAdjustment(s, input)),
    rejectStockAdjustment: act((s, input) => rejectStockAdjustment(s, input)),
    reserveStock: async (...call) => {
      const payload = await reserve(...call);
      return { ...payload, reservations: payload.reservations ?? [] };
    },
    releaseReservation: act((s, input) => releaseReservation(s, input)),
    issueReservedStock: act((s, input) => issueReservedStock(s, input)),
    checkStockLedger: act((s) => checkStockLedger(s)),
    setReorderPoint: act(async (s, input) => ({ stockLevel: await setReorderPoint(s, input) })),
  },
  ...reportTypes,
  Product: {
    __resolveReference: (ref, ctx) =>
      "id" in ref ? ctx.loaders.product.load(ref.id) : ctx.loaders.productBySku.load(ref.sku),
    stockLevels: (product, _, ctx) => capped(ctx.loaders.stockLevelsOfProduct.load(product.id), 500),
    totalAvailable: async (product, _, ctx) =>
      showQuantity(
        (await ctx.loaders.stockLevelsOfProduct.load(product.id)).reduce((sum, l) => sum.plus(l.available), new Dec(0)),
      ),
  },
  Warehouse: {
    __resolveReference: (ref, ctx) => ctx.loaders.warehouse.load(ref.id),
    stockLevels: (warehouse, _, ctx) => capped(ctx.loaders.stockLevelsOfWarehouse.load(warehouse.id), 500),
  },
  StockLevel: {
    product: (level, _, ctx) => present(ctx.loaders.product.load(level.productId), "Product"),
    warehouse: (level, _, ctx) => present(ctx.loaders.warehouse.load(level.warehouseId), "Warehouse"),
  },
  StockMovement: {
    __resolveReference: (ref, ctx) => ctx.loaders.movement.load(ref.id),
    product: (m, _, ctx) => present(ctx.loaders.product.load(m.productId), "Product"),
    warehouse: (m, _, ctx) => present(ctx.loaders.warehouse.load(m.warehouseId), "Warehouse"),
  },
  Reservation: {
    product: (r, _, ctx) => present(ctx.loaders.product.load(r.productId), "Product"),
    warehouse: (r, _, ctx) => present(ctx.loaders.warehouse.load(r.warehouseId), "Warehouse"),
  },
  StockAdjustment: {
    __resolveReference: (ref, ctx) => ctx.loaders.adjustment.load(ref.id),
    product: (a, _, ctx) => present(ctx.loaders.product.load(a.productId), "Product"),
    warehouse: (a, _, ctx) => present(ctx.loaders.warehouse.load(a.warehouseId), "Warehouse"),
  },
  DocumentReference: {
    document: (reference, _, ctx) => documentOf(reference, ctx),
  },
  StockDocument: {
    __resolveType: (value) => typenameOf<NonNullable<StockDocument["__typename"]>>(value),
  },
  InventoryValuation: {
    lines: (v) => capped(v.lines, 1000),
    warehouse: (v, _, ctx) => present(ctx.loaders.warehouse.load(v.warehouseId), "Warehouse"),
  },
  InventoryValuationLine: {
    product: (l, _, ctx) => present(ctx.loaders.product.load(l.productId), "Product"),
  },
  StockLedgerCheckPayload: {
    discrepancies: (p) => capped(p.discrepancies ?? [], 500),
  },
  StockLedgerDiscrepancy: {
    product: (d, _, ctx) => present(ctx.loaders.product.load(d.productId), "Product"),
    warehouse: (d, _, ctx) => present(ctx.loaders.warehouse.load(d.warehouseId), "Warehouse"),
  },
};
