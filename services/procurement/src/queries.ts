import { type Connection, keysetPage, type PageArgs } from "@erp/core";
import type { Kysely } from "kysely";
import { type SupplierBill, toSupplierBill } from "./bill.js";
import type { BillStatus, OrderStatus, ProcurementDatabase, SupplierStatusValue } from "./db.js";
import { type PurchaseOrder, toPurchaseOrder } from "./purchase-order.js";
import { type GoodsReceipt, toGoodsReceipt } from "./receipt.js";
import { type Supplier, toSupplier } from "./supplier.js";

type Filtered<F> = PageArgs & { filter?: F | null };

/** Suppliers, oldest first. */
export async function listSuppliers(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{ status?: SupplierStatusValue | null }>,
): Promise<Connection<Supplier>> {
  const page = keysetPage({ kind: "Supplier", order: "oldest first" }, args);
  let query = db.selectFrom("procurement.suppliers").selectAll();
  if (args.filter?.status) query = query.where("status", "=", args.filter.status);
  return page.fetch(query, toSupplier);
}

/** Purchase orders, newest first. */
export async function listPurchaseOrders(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{ status?: OrderStatus | null; supplierId?: string | null; requestedBy?: string | null }>,
): Promise<Connection<PurchaseOrder>> {
  const page = keysetPage({ kind: "PurchaseOrder", order: "newest first" }, args);
  const { status, supplierId, requestedBy } = args.filter ?? {};
  let query = db.selectFrom("procurement.purchase_orders").selectAll();
  if (status) query = query.where("status", "=", status);
  if (supplierId) query = query.where("supplier_id", "=", supplierId);
  if (requestedBy) query = query.where("requested_by", "=", requestedBy);
  return page.fetch(query, toPurchaseOrder);
}

/** Goods receipts, newest first. */
export async function listGoodsReceipts(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{ purchaseOrderId?: string | null; warehouseId?: string | null }>,
): Promise<Connection<GoodsReceipt>> {
  const page = keysetPage({ kind: "GoodsReceipt", order: "newest first" }, args);
  const { purchaseOrderId, warehouseId } = args.filter ?? {};
  let query = db.selectFrom("procurement.goods_receipts").selectAll();
  if (purchaseOrderId) query = query.where("purchase_order_id", "=", purchaseOrderId);
  if (warehouseId) query = query.where("warehouse_id", "=", warehouseId);
  return page.fetch(query, toGoodsReceipt);
}

/** Supplier bills, newest first. */
export async function listSupplierBills(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{ status?: BillStatus | null; supplierId?: string | null; purchaseOrderId?: string | null }>,
): Promise<Connection<SupplierBill>> {
  const page = keysetPage({ kind: "SupplierBill", order: "newest first" }, args);
  const { status, supplierId, purchaseOrderId } = args.filter ?? {};
  let query = db.selectFrom("procurement.supplier_bills").selectAll();
  if (status) query = query.where("status", "=", status);
  if (supplierId) query = query.where("supplier_id", "=", supplierId);
  if (purchaseOrderId) query = query.where("purchase_order_id", "=", purchaseOrderId);
  return page.fetch(query, toSupplierBill);
}
