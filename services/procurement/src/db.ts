import type { ColumnType, Generated } from "kysely";
import { PurchaseOrderStatus, SupplierBillStatus, SupplierStatus } from "./generated/enums.js";

type Numeric = ColumnType<string, string | undefined, string>;

export interface KnownProductsTable {
  product_id: string;
  sku: string;
  name: string;
  type: string;
  status: string;
  quantity_precision: number;
  version: number;
}

export interface KnownWarehousesTable {
  warehouse_id: string;
  code: string;
  name: string;
}

/** Inventory's latest low-stock report per product and warehouse; cleared when procurement receives into it. */
export interface StockLowsTable {
  product_id: string;
  warehouse_id: string;
  available: string;
  reorder_point: string;
  reorder_quantity: string | null;
  reported_at: Date;
}

export const SUPPLIER_STATUSES = Object.values(SupplierStatus);
export type SupplierStatusValue = (typeof SUPPLIER_STATUSES)[number];

export interface SuppliersTable {
  id: Generated<string>;
  seq: Generated<string>;
  code: string;
  name: string;
  tax_id: string | null;
  currency: string;
  payment_terms_days: number;
  status: Generated<SupplierStatusValue>;
  block_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface SupplierContactsTable {
  id: Generated<string>;
  supplier_id: string;
  position: number;
  name: string;
  email: string | null;
  phone: string | null;
  role: string | null;
}

export interface SupplierPricesTable {
  id: Generated<string>;
  supplier_id: string;
  product_id: string;
  price: string;
  currency: string;
  lead_time_days: number;
  minimum_quantity: string;
  valid_from: string;
  valid_to: string | null;
  updated_at: Generated<Date>;
}

export interface PreferredSuppliersTable {
  product_id: string;
  supplier_id: string;
}

export const ORDER_STATUSES = Object.values(PurchaseOrderStatus);
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface PurchaseOrdersTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  supplier_id: string;
  currency: string;
  status: Generated<OrderStatus>;
  total: string;
  required_approvals: Generated<number>;
  requested_by: string;
  notes: string | null;
  status_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  submitted_at: Date | null;
  approved_at: Date | null;
  updated_at: Generated<Date>;
}

export interface PurchaseOrderLinesTable {
  id: Generated<string>;
  purchase_order_id: string;
  line_number: number;
  product_id: string;
  sku: string;
  quantity: string;
  unit_price: string;
  amount: string;
  expected_date: string | null;
  received_quantity: Numeric;
  billed_quantity: Numeric;
}

export interface ApprovalsTable {
  id: Generated<string>;
  seq: Generated<string>;
  purchase_order_id: string;
  decision: "APPROVED" | "REJECTED";
  decided_by: string;
  decided_at: Generated<Date>;
  comment: string | null;
}

export interface GoodsReceiptsTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  purchase_order_id: string;
  supplier_id: string;
  warehouse_id: string;
  currency: string;
  received_on: string;
  received_by: string;
  created_at: Generated<Date>;
}

export interface GoodsReceiptLinesTable {
  id: Generated<string>;
  receipt_id: string;
  purchase_order_line_id: string;
  product_id: string;
  quantity: string;
  unit_cost: string;
  value: string;
}

export const BILL_STATUSES = Object.values(SupplierBillStatus);
export type BillStatus = (typeof BILL_STATUSES)[number];

export interface SupplierBillsTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  supplier_id: string;
  purchase_order_id: string;
  supplier_invoice_number: string;
  bill_date: string;
  due_date: string;
  currency: string;
  total: string;
  received_value: string;
  status: BillStatus;
  recorded_by: string;
  released_by: string | null;
  released_at: Date | null;
  matched_at: Date | null;
  paid_amount: Numeric;
  created_at: Generated<Date>;
}

export interface SupplierBillLinesTable {
  id: Generated<string>;
  bill_id: string;
  line_number: number;
  purchase_order_line_id: string;
  quantity: string;
  unit_price: string;
  amount: string;
}

export interface BillHoldReasonsTable {
  id: Generated<string>;
  bill_id: string;
  code: "QUANTITY_ABOVE_RECEIVED" | "PRICE_OUTSIDE_TOLERANCE";
  message: string;
  line_number: number;
}

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "suppliers.status": SUPPLIER_STATUSES,
  "purchase_orders.status": ORDER_STATUSES,
  "supplier_bills.status": BILL_STATUSES,
};

/** The procurement schema, as Kysely sees it. */
export interface ProcurementDatabase {
  "procurement.known_products": KnownProductsTable;
  "procurement.known_warehouses": KnownWarehousesTable;
  "procurement.stock_lows": StockLowsTable;
  "procurement.suppliers": SuppliersTable;
  "procurement.supplier_contacts": SupplierContactsTable;
  "procurement.supplier_prices": SupplierPricesTable;
  "procurement.preferred_suppliers": PreferredSuppliersTable;
  "procurement.purchase_orders": PurchaseOrdersTable;
  "procurement.purchase_order_lines": PurchaseOrderLinesTable;
  "procurement.approvals": ApprovalsTable;
  "procurement.goods_receipts": GoodsReceiptsTable;
  "procurement.goods_receipt_lines": GoodsReceiptLinesTable;
  "procurement.supplier_bills": SupplierBillsTable;
  "procurement.supplier_bill_lines": SupplierBillLinesTable;
  "procurement.bill_hold_reasons": BillHoldReasonsTable;
}
