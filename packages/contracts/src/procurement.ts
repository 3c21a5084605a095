import { z } from "zod";
import { decimal, defineEvent, entityId, money } from "./contract.js";

/** A calendar day, "2026-11-30". */
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Expected a date such as 2026-11-30");

const supplierSnapshot = z.object({
  supplierId: entityId,
  code: z.string(),
  name: z.string(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  paymentTermsDays: z.number().int().min(0),
  status: z.enum(["ACTIVE", "BLOCKED"]),
  /** Increases with every change, so a consumer keeps only the newest snapshot. */
  version: z.number().int().positive(),
});
const supplierEvent = <const T extends string>(type: T) =>
  defineEvent({ type, version: 1, source: "procurement", aggregateType: "Supplier", payload: supplierSnapshot });

export const SupplierRegistered = supplierEvent("procurement.supplier.registered");
export const SupplierDetailsUpdated = supplierEvent("procurement.supplier.details_updated");
export const SupplierBlocked = supplierEvent("procurement.supplier.blocked");
export const SupplierUnblocked = supplierEvent("procurement.supplier.unblocked");

/** A purchase order cleared its approval policy (at submission below the first threshold, or by its last approver). */
export const PurchaseOrderApproved = defineEvent({
  type: "procurement.purchase_order.approved",
  version: 1,
  source: "procurement",
  aggregateType: "PurchaseOrder",
  payload: z.object({
    purchaseOrderId: entityId,
    number: z.string(),
    supplierId: entityId,
    total: money,
    /** Principal subjects, in approval order; empty when submission approved it. */
    approvedBy: z.array(z.string()),
  }),
});

/**
 * Goods arrived against a purchase order. Inventory receives each line as a RECEIPT movement at
 * `unitCost` (the PO price), referring to { type: "GoodsReceipt", id: receiptId }.
 */
export const GoodsReceived = defineEvent({
  type: "procurement.goods.received",
  version: 1,
  source: "procurement",
  aggregateType: "GoodsReceipt",
  payload: z.object({
    receiptId: entityId,
    number: z.string(),
    purchaseOrderId: entityId,
    supplierId: entityId,
    warehouseId: entityId,
    receivedOn: day,
    lines: z
      .array(
        z.object({
          receiptLineId: entityId,
          purchaseOrderLineId: entityId,
          productId: entityId,
          quantity: decimal,
          unitCost: money,
        }),
      )
      .min(1),
  }),
});

/**
 * A supplier bill passed the three-way match (or an approver released its hold): finance raises
 * the payable. `receivedValue` is billed quantity × PO price (what leaves goods received not
 * invoiced); `priceVariance` is `total` − `receivedValue`.
 */
export const SupplierBillMatched = defineEvent({
  type: "procurement.supplier_bill.matched",
  version: 1,
  source: "procurement",
  aggregateType: "SupplierBill",
  payload: z.object({
    billId: entityId,
    supplierId: entityId,
    supplierInvoiceNumber: z.string(),
    purchaseOrderId: entityId,
    billDate: day,
    dueDate: day,
    total: money,
    receivedValue: money,
    priceVariance: money,
    /** The approver who released a hold; null when the bill matched on its own. */
    releasedBy: z.string().nullable(),
  }),
});

/**
 * Procurement's own position, for finance's reconciliation: per currency, the value received
 * but not yet billed (at PO prices), and how many receipt lines and matched bills it counts.
 */
export const UninvoicedReceiptsReported = defineEvent({
  type: "procurement.uninvoiced_receipts.reported",
  version: 1,
  source: "procurement",
  aggregateType: "UninvoicedReceipts",
  payload: z.object({
    reportedAt: z.string().datetime({ offset: true }),
    positions: z.array(
      z.object({
        currency: z.string().regex(/^[A-Z]{3}$/),
        uninvoicedValue: decimal,
        receiptLines: z.number().int().min(0),
        matchedBills: z.number().int().min(0),
      }),
    ),
  }),
});

/** Every event procurement publishes. */
export const procurementEvents = [
  SupplierRegistered,
  SupplierDetailsUpdated,
  SupplierBlocked,
  SupplierUnblocked,
  PurchaseOrderApproved,
  GoodsReceived,
  SupplierBillMatched,
  UninvoicedReceiptsReported,
] as const;

export const supplierEvents = [SupplierRegistered, SupplierDetailsUpdated, SupplierBlocked, SupplierUnblocked] as const;
