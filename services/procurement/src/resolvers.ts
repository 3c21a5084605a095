import { actionResolvers, assertIds, capped, pageArgs } from "@erp/core";
import { approvePurchaseOrder, rejectPurchaseOrder, submitPurchaseOrder } from "./approval.js";
import { recordSupplierBill, releaseBillHold } from "./bill.js";
import type { ProcurementContext } from "./context.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import {
  cancelPurchaseOrder,
  closePurchaseOrderShort,
  draftPurchaseOrder,
  revisePurchaseOrder,
} from "./purchase-order.js";
import { listGoodsReceipts, listPurchaseOrders, listSupplierBills, listSuppliers } from "./queries.js";
import { receiveGoods } from "./receipt.js";
import { draftPurchaseOrdersFromReorderPoints } from "./reorder.js";
import {
  blockSupplier,
  registerSupplier,
  unblockSupplier,
  uniqueViolations,
  updateSupplierDetails,
} from "./supplier.js";
import { setSupplierPrice } from "./supplier-price.js";
import { reportUninvoicedReceipts, type UninvoicedPosition, uninvoicedReceipts } from "./uninvoiced.js";

/** An inventory product as procurement refers to it: by id; inventory resolves the rest. */
export interface ProductReference {
  id: string;
}

/** An HR employee as procurement refers to people: by their identity subject. */
export interface EmployeeReference {
  userSubject: string;
}

/** Every procurement mutation: its declared scope, one transaction, idempotent by its key. */
const act = actionResolvers<ProcurementContext>({ uniqueViolations });

/** A position as the graph shows it: the value as Money in its currency. */
const showPosition = (p: UninvoicedPosition) => ({
  uninvoicedValue: { amount: p.uninvoicedValue, currency: p.currency },
  receiptLines: p.receiptLines,
  matchedBills: p.matchedBills,
});

const present = <T>(value: T | null, what: string): T => {
  if (value === null) throw new Error(`${what} is missing: referential integrity broken`);
  return value;
};

export const resolvers: Resolvers = {
  Query: {
    uninvoicedReceipts: async (_, __, ctx) => (await capped(uninvoicedReceipts(ctx.db), 500)).map(showPosition),
    supplier: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.supplier.load(id)),
    suppliers: (_, args, ctx, info) => listSuppliers(ctx.db, pageArgs(args, info)),
    purchaseOrder: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.order.load(id)),
    purchaseOrders: (_, args, ctx, info) => (
      assertIds({ supplierId: args.filter?.supplierId }), listPurchaseOrders(ctx.db, pageArgs(args, info))
    ),
    goodsReceipts: (_, args, ctx, info) => (
      assertIds({ purchaseOrderId: args.filter?.purchaseOrderId, warehouseId: args.filter?.warehouseId }),
      listGoodsReceipts(ctx.db, pageArgs(args, info))
    ),
    supplierBills: (_, args, ctx, info) => (
      assertIds({ supplierId: args.filter?.supplierId, purchaseOrderId: args.filter?.purchaseOrderId }),
      listSupplierBills(ctx.db, pageArgs(args, info))
    ),
  },
  Mutation: {
    registerSupplier: act(async (s, input) => ({ supplier: await registerSupplier(s, input) })),
    updateSupplierDetails: act(async (s, input) => ({ supplier: await updateSupplierDetails(s, input) })),
    blockSupplier: act(async (s, input) => ({ supplier: await blockSupplier(s, input) })),
    unblockSupplier: act(async (s, input) => ({ supplier: await unblockSupplier(s, input) })),
    setSupplierPrice: act(async (s, input) => ({ supplierPrice: await setSupplierPrice(s, input) })),
    draftPurchaseOrder: act(async (s, input) => ({ purchaseOrder: await draftPurchaseOrder(s, input) })),
    revisePurchaseOrder: act(async (s, input) => ({ purchaseOrder: await revisePurchaseOrder(s, input) })),
    submitPurchaseOrder: act(async (s, input) => ({ purchaseOrder: await submitPurchaseOrder(s, input) })),
    approvePurchaseOrder: act(async (s, input) => ({ purchaseOrder: await approvePurchaseOrder(s, input) })),
    rejectPurchaseOrder: act(async (s, input) => ({ purchaseOrder: await rejectPurchaseOrder(s, input) })),
    cancelPurchaseOrder: act(async (s, input) => ({ purchaseOrder: await cancelPurchaseOrder(s, input) })),
    closePurchaseOrderShort: act(async (s, input) => ({ purchaseOrder: await closePurchaseOrderShort(s, input) })),
    receiveGoods: act((s, input) => receiveGoods(s, input)),
    recordSupplierBill: act(async (s, input) => ({ supplierBill: await recordSupplierBill(s, input) })),
    releaseBillHold: act(async (s, input) => ({ supplierBill: await releaseBillHold(s, input) })),
    draftPurchaseOrdersFromReorderPoints: act((s) => draftPurchaseOrdersFromReorderPoints(s)),
    reportUninvoicedReceipts: act(async (s) => {
      const { reportedAt, positions } = await reportUninvoicedReceipts(s);
      return { reportedAt, positions: positions.map(showPosition) };
    }),
  },
  Product: {
    __resolveReference: (ref) => ({ id: ref.id }),
    suppliers: (product, _, ctx) => capped(ctx.loaders.pricesOfProduct.load(product.id), 100),
    preferredSupplier: async (product, _, ctx) => {
      const preferred = await ctx.loaders.preferredSupplierId.load(product.id);
      return preferred ? ctx.loaders.supplier.load(preferred.supplier_id) : null;
    },
    lastPurchasePrice: async (product, _, ctx) => (await ctx.loaders.lastPurchasePrice.load(product.id))?.price ?? null,
    onOrder: (product, _, ctx) => ctx.loaders.onOrder.load(product.id),
  },
  Supplier: {
    __resolveReference: (ref, ctx) => ctx.loaders.supplier.load(ref.id),
    contacts: (supplier, _, ctx) => capped(ctx.loaders.contacts.load(supplier.id), 100),
    prices: (supplier, _, ctx) => capped(ctx.loaders.pricesOfSupplier.load(supplier.id), 500),
  },
  SupplierPrice: {
    supplier: async (price, _, ctx) => present(await ctx.loaders.supplier.load(price.supplierId), "Supplier"),
    product: (price) => ({ id: price.productId }),
    preferred: async (price, _, ctx) =>
      (await ctx.loaders.preferredSupplierId.load(price.productId))?.supplier_id === price.supplierId,
  },
  PurchaseOrder: {
    __resolveReference: (ref, ctx) => ctx.loaders.order.load(ref.id),
    supplier: async (order, _, ctx) => present(await ctx.loaders.supplier.load(order.supplierId), "Supplier"),
    lines: (order, _, ctx) => ctx.loaders.orderLines.load(order.id),
    requester: (order) => ({ userSubject: order.requestedBy }),
    approvals: (order, _, ctx) => ctx.loaders.approvals.load(order.id),
    receipts: (order, _, ctx) => capped(ctx.loaders.receiptsOfOrder.load(order.id), 100),
    bills: (order, _, ctx) => capped(ctx.loaders.billsOfOrder.load(order.id), 100),
  },
  PurchaseOrderApproval: {
    person: (approval) => ({ userSubject: approval.by }),
  },
  PurchaseOrderLine: {
    product: (line) => ({ id: line.productId }),
  },
  GoodsReceipt: {
    __resolveReference: (ref, ctx) => ctx.loaders.receipt.load(ref.id),
    // A reference inventory resolves; the gateway batches a page's warehouses into one _entities call.
    warehouse: (receipt) => ({ id: receipt.warehouseId }),
    purchaseOrder: async (receipt, _, ctx) =>
      present(await ctx.loaders.order.load(receipt.purchaseOrderId), "Purchase order"),
    lines: (receipt, _, ctx) => ctx.loaders.receiptLines.load(receipt.id),
  },
  GoodsReceiptLine: {
    product: (line) => ({ id: line.productId }),
    purchaseOrderLine: async (line, _, ctx) =>
      present(await ctx.loaders.orderLine.load(line.purchaseOrderLineId), "Purchase order line"),
  },
  SupplierBillLine: {
    purchaseOrderLine: async (line, _, ctx) =>
      present(await ctx.loaders.orderLine.load(line.purchaseOrderLineId), "Purchase order line"),
  },
  SupplierBill: {
    __resolveReference: (ref, ctx) => ctx.loaders.bill.load(ref.id),
    supplier: async (bill, _, ctx) => present(await ctx.loaders.supplier.load(bill.supplierId), "Supplier"),
    purchaseOrder: async (bill, _, ctx) =>
      present(await ctx.loaders.order.load(bill.purchaseOrderId), "Purchase order"),
    lines: (bill, _, ctx) => ctx.loaders.billLines.load(bill.id),
    holdReasons: (bill, _, ctx) => ctx.loaders.holdReasons.load(bill.id),
  },
  ReorderDraftPayload: {
    purchaseOrders: (p) => (p.purchaseOrders ? capped(p.purchaseOrders, 500) : null),
    skipped: (p) => (p.skipped ? capped(p.skipped, 500) : null),
  },
  UninvoicedReceiptsReportPayload: {
    positions: (p) => (p.positions ? capped(p.positions, 500) : null),
  },
  ReorderSkip: {
    product: (skip) => ({ id: skip.productId }),
  },
};
