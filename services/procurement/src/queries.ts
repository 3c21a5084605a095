import {
  assertQueryDate,
  atLeast,
  atMost,
  below,
  type Connection,
  contains,
  defineKeyset,
  equals,
  keysetPage,
  narrow,
  oneOf,
  type PageArgs,
} from "@erp/core";
import type { Kysely } from "kysely";
import { type SupplierBill, toSupplierBill } from "./bill.js";
import type { BillStatus, OrderStatus, ProcurementDatabase, SupplierStatusValue } from "./db.js";
import { type PurchaseOrder, toPurchaseOrder } from "./purchase-order.js";
import { type GoodsReceipt, toGoodsReceipt } from "./receipt.js";
import { type Supplier, toSupplier } from "./supplier.js";

type Filtered<F> = PageArgs & { filter?: F | null };

const supplierOrder = defineKeyset(
  "Supplier",
  { CREATED: "seq", CODE: "code", NAME: "name", STATUS: "status" },
  "CREATED ASC",
);
const purchaseOrderOrder = defineKeyset(
  "PurchaseOrder",
  { CREATED: "seq", NUMBER: "number", TOTAL: "total", STATUS: "status" },
  "CREATED DESC",
);
const receiptOrder = defineKeyset(
  "GoodsReceipt",
  { CREATED: "seq", NUMBER: "number", RECEIVED_ON: "received_on" },
  "CREATED DESC",
);
const billOrder = defineKeyset(
  "SupplierBill",
  { CREATED: "seq", NUMBER: "number", BILL_DATE: "bill_date", DUE_DATE: "due_date", TOTAL: "total", STATUS: "status" },
  "CREATED DESC",
);

/** Suppliers, oldest first unless another order is asked for. */
export async function listSuppliers(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{
    status?: SupplierStatusValue | null;
    statuses?: SupplierStatusValue[] | null;
    search?: string | null;
  }>,
): Promise<Connection<Supplier>> {
  const page = keysetPage(supplierOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("procurement.suppliers").selectAll(), [
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    contains(["code", "name"], f.search),
  ]);
  return page.fetch(query, toSupplier);
}

/** Purchase orders, newest first unless another order is asked for. */
export async function listPurchaseOrders(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{
    status?: OrderStatus | null;
    statuses?: OrderStatus[] | null;
    supplierId?: string | null;
    requestedBy?: string | null;
    createdFrom?: string | null;
    createdTo?: string | null;
    totalMin?: string | null;
    totalMax?: string | null;
    search?: string | null;
  }>,
): Promise<Connection<PurchaseOrder>> {
  const page = keysetPage(purchaseOrderOrder, args);
  const f = args.filter ?? {};
  assertQueryDate(f.createdFrom, "filter.createdFrom");
  assertQueryDate(f.createdTo, "filter.createdTo");
  const query = narrow(db.selectFrom("procurement.purchase_orders").selectAll(), [
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    equals("supplier_id", f.supplierId),
    equals("requested_by", f.requestedBy),
    atLeast("created_at", f.createdFrom),
    below("created_at", f.createdTo),
    atLeast("total", f.totalMin),
    atMost("total", f.totalMax),
    contains(["number"], f.search),
  ]);
  return page.fetch(query, toPurchaseOrder);
}

/** Goods receipts, newest first unless another order is asked for. */
export async function listGoodsReceipts(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{
    purchaseOrderId?: string | null;
    warehouseId?: string | null;
    receivedFrom?: string | null;
    receivedTo?: string | null;
  }>,
): Promise<Connection<GoodsReceipt>> {
  const page = keysetPage(receiptOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("procurement.goods_receipts").selectAll(), [
    equals("purchase_order_id", f.purchaseOrderId),
    equals("warehouse_id", f.warehouseId),
    atLeast("received_on", f.receivedFrom),
    atMost("received_on", f.receivedTo),
  ]);
  return page.fetch(query, toGoodsReceipt);
}

/** Supplier bills, newest first unless another order is asked for. */
export async function listSupplierBills(
  db: Kysely<ProcurementDatabase>,
  args: Filtered<{
    status?: BillStatus | null;
    statuses?: BillStatus[] | null;
    supplierId?: string | null;
    purchaseOrderId?: string | null;
    dueFrom?: string | null;
    dueTo?: string | null;
    totalMin?: string | null;
    totalMax?: string | null;
    search?: string | null;
  }>,
): Promise<Connection<SupplierBill>> {
  const page = keysetPage(billOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("procurement.supplier_bills").selectAll(), [
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    equals("supplier_id", f.supplierId),
    equals("purchase_order_id", f.purchaseOrderId),
    atLeast("due_date", f.dueFrom),
    atMost("due_date", f.dueTo),
    atLeast("total", f.totalMin),
    atMost("total", f.totalMax),
    contains(["number", "supplier_invoice_number"], f.search),
  ]);
  return page.fetch(query, toSupplierBill);
}
