import { Dec, isUuid, listLoaderByKey, loaderById, loaderByKey, type Money, money } from "@erp/core";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import { toApproval } from "./approval.js";
import { toSupplierBill, toSupplierBillLine } from "./bill.js";
import type { ProcurementDatabase } from "./db.js";
import { ORDERED_STATUSES, toOrderLine, toPurchaseOrder } from "./purchase-order.js";
import { toGoodsReceipt, toGoodsReceiptLine } from "./receipt.js";
import { toSupplier } from "./supplier.js";
import { toSupplierPrice } from "./supplier-price.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createProcurementLoaders(db: Kysely<ProcurementDatabase>) {
  return {
    supplier: loaderById(async (ids) =>
      (await db.selectFrom("procurement.suppliers").selectAll().where("id", "in", ids).execute()).map(toSupplier),
    ),
    order: loaderById(async (ids) =>
      (await db.selectFrom("procurement.purchase_orders").selectAll().where("id", "in", ids).execute()).map(
        toPurchaseOrder,
      ),
    ),
    bill: loaderById(async (ids) =>
      (await db.selectFrom("procurement.supplier_bills").selectAll().where("id", "in", ids).execute()).map(
        toSupplierBill,
      ),
    ),
    contacts: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.supplier_contacts")
          .selectAll()
          .where("supplier_id", "in", ids)
          .orderBy("position")
          .execute(),
      (row) => row.supplier_id,
      (row) => ({ name: row.name, email: row.email, phone: row.phone, role: row.role }),
    ),
    pricesOfSupplier: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.supplier_prices")
          .selectAll()
          .where("supplier_id", "in", ids)
          .orderBy("product_id")
          .orderBy("valid_from")
          .execute(),
      (row) => row.supplier_id,
      toSupplierPrice,
    ),
    pricesOfProduct: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.supplier_prices")
          .selectAll()
          .where("product_id", "in", ids)
          .orderBy("supplier_id")
          .orderBy("valid_from")
          .execute(),
      (row) => row.product_id,
      toSupplierPrice,
    ),
    /** The preferred supplier's id per product. */
    preferredSupplierId: loaderByKey(
      (ids) => db.selectFrom("procurement.preferred_suppliers").selectAll().where("product_id", "in", ids).execute(),
      (row) => row.product_id,
      isUuid,
    ),
    /** Purchase order lines by id (a receipt's or a bill's line), priced in their order's currency. */
    orderLine: loaderById(async (ids) =>
      (
        await db
          .selectFrom("procurement.purchase_order_lines as l")
          .innerJoin("procurement.purchase_orders as o", "o.id", "l.purchase_order_id")
          .selectAll("l")
          .select("o.currency")
          .where("l.id", "in", ids)
          .execute()
      ).map((row) => toOrderLine(row, row.currency.trim())),
    ),
    receipt: loaderById(async (ids) =>
      (await db.selectFrom("procurement.goods_receipts").selectAll().where("id", "in", ids).execute()).map(
        toGoodsReceipt,
      ),
    ),
    orderLines: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.purchase_order_lines as l")
          .innerJoin("procurement.purchase_orders as o", "o.id", "l.purchase_order_id")
          .selectAll("l")
          .select("o.currency")
          .where("l.purchase_order_id", "in", ids)
          .orderBy("l.line_number")
          .execute(),
      (row) => row.purchase_order_id,
      (row) => toOrderLine(row, row.currency.trim()),
    ),
    approvals: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.approvals")
          .selectAll()
          .where("purchase_order_id", "in", ids)
          .orderBy("seq")
          .execute(),
      (row) => row.purchase_order_id,
      toApproval,
    ),
    receiptsOfOrder: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.goods_receipts")
          .selectAll()
          .where("purchase_order_id", "in", ids)
          .orderBy("seq")
          .execute(),
      (row) => row.purchase_order_id,
      toGoodsReceipt,
    ),
    receiptLines: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.goods_receipt_lines as l")
          .innerJoin("procurement.goods_receipts as r", "r.id", "l.receipt_id")
          .selectAll("l")
          .select("r.currency")
          .where("l.receipt_id", "in", ids)
          .orderBy("l.id")
          .execute(),
      (row) => row.receipt_id,
      (row) => toGoodsReceiptLine(row, row.currency.trim()),
    ),
    billsOfOrder: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.supplier_bills")
          .selectAll()
          .where("purchase_order_id", "in", ids)
          .orderBy("seq")
          .execute(),
      (row) => row.purchase_order_id,
      toSupplierBill,
    ),
    billLines: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.supplier_bill_lines as l")
          .innerJoin("procurement.supplier_bills as b", "b.id", "l.bill_id")
          .selectAll("l")
          .select("b.currency")
          .where("l.bill_id", "in", ids)
          .orderBy("l.line_number")
          .execute(),
      (row) => row.bill_id,
      (row) => toSupplierBillLine(row, row.currency.trim()),
    ),
    holdReasons: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("procurement.bill_hold_reasons")
          .selectAll()
          .where("bill_id", "in", ids)
          .orderBy("line_number")
          .execute(),
      (row) => row.bill_id,
      (row) => ({ code: row.code, message: row.message, lineNumber: row.line_number }),
    ),
    /** The unit price of the latest approved order line per product. */
    lastPurchasePrice: loaderByKey<{ productId: string; price: Money }>(
      async (ids) =>
        (
          await db
            .selectFrom("procurement.purchase_order_lines as l")
            .innerJoin("procurement.purchase_orders as o", "o.id", "l.purchase_order_id")
            .distinctOn("l.product_id")
            .select(["l.product_id", "l.unit_price", "o.currency"])
            .where("l.product_id", "in", ids)
            .where("o.approved_at", "is not", null)
            .where("o.status", "not in", ["CANCELLED", "REJECTED"])
            .orderBy("l.product_id")
            .orderBy("o.approved_at", "desc")
            .orderBy("o.seq", "desc")
            .execute()
        ).map((r) => ({ productId: r.product_id, price: money(r.unit_price, r.currency.trim()) })),
      (row) => row.productId,
      isUuid,
    ),
    /** Quantity ordered and not yet received per product, on orders the supplier is delivering. */
    onOrder: new DataLoader<string, string>(async (productIds) => {
      const valid = productIds.filter(isUuid);
      const rows = valid.length
        ? await db
            .selectFrom("procurement.purchase_order_lines as l")
            .innerJoin("procurement.purchase_orders as o", "o.id", "l.purchase_order_id")
            .select([
              "l.product_id",
              (eb) =>
                eb.fn
                  .sum<string>(eb.fn("greatest", [eb("l.quantity", "-", eb.ref("l.received_quantity")), eb.lit(0)]))
                  .as("open"),
            ])
            .where("l.product_id", "in", valid)
            .where("o.status", "in", ORDERED_STATUSES)
            .groupBy("l.product_id")
            .execute()
        : [];
      const found = new Map(rows.map((r) => [r.product_id, new Dec(r.open).toFixed()]));
      return productIds.map((id) => found.get(id) ?? "0");
    }),
  };
}

export type ProcurementLoaders = ReturnType<typeof createProcurementLoaders>;
