import type { ColumnType, Generated } from "kysely";

type Numeric = ColumnType<string, string | undefined, string>;

/** A valued stock movement finance has posted; value signed as stock moves (in +, out −). */
export interface StockPostingsTable {
  movement_id: string;
  kind: "RECEIPT" | "ISSUE" | "ADJUSTMENT";
  source_type: string | null;
  source_id: string | null;
  currency: string;
  value: string;
  journal_entry_id: string | null;
  posted_at: Generated<Date>;
}

/** A payable: one of procurement's matched supplier bills, by its id. */
export interface SupplierBillsTable {
  id: string;
  seq: Generated<string>;
  supplier_id: string;
  supplier_invoice_number: string;
  purchase_order_id: string;
  bill_date: string;
  due_date: string;
  currency: string;
  total: string;
  received_value: string;
  price_variance: string;
  amount_paid: Numeric;
  released_by: string | null;
  journal_entry_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
}

export interface SupplierPaymentsTable {
  id: Generated<string>;
  seq: Generated<string>;
  bill_id: string;
  supplier_id: string;
  amount: string;
  currency: string;
  paid_on: string;
  reference: string;
  paid_by: string;
  created_at: Generated<Date>;
}

/** One currency's position in a report another domain publishes for reconciliation. */
export interface ReportedPosition {
  currency: string;
  value: string;
  /** Counts the reporter's figure is built on; finance compares only when its own counts agree. */
  counts: Record<string, number>;
}

/** Finance's tables for payables and the perpetual inventory postings. */
export interface LedgerTables {
  "finance.known_suppliers": {
    supplier_id: string;
    code: string;
    name: string;
    currency: string;
    payment_terms_days: number;
    status: string;
    version: number;
  };
  "finance.stock_postings": StockPostingsTable;
  "finance.supplier_bills": SupplierBillsTable;
  "finance.supplier_payments": SupplierPaymentsTable;
  /** Every ShipmentDispatched finance received (its own record, apart from the inbox and the invoice). */
  "finance.received_shipments": {
    shipment_id: string;
    order_id: string;
    customer_id: string;
    currency: string;
    shipped_at: Date | string;
    received_at: Generated<Date>;
  };
  "finance.reported_positions": {
    report: "INVENTORY_VALUATION" | "UNINVOICED_RECEIPTS" | "SHIPPED_POSITION";
    reported_at: Date;
    positions: ColumnType<ReportedPosition[], string, string>;
  };
}
