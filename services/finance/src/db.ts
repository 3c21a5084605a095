import type { ColumnType, Generated } from "kysely";
import { CreditLineStatus, InvoiceStatus, ReconciliationAlertStatus } from "./generated/enums.js";
import type { LedgerTables } from "./ledger-tables.js";

export { CreditLineStatus, InvoiceStatus };
export type AlertStatus = ReconciliationAlertStatus;

/** A credit hold's life; internal to finance, so no GraphQL enum states it. */
export const CREDIT_HOLD_STATUSES = ["HELD", "RELEASED"] as const;
export type CreditHoldStatus = (typeof CREDIT_HOLD_STATUSES)[number];

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "credit_holds.status": CREDIT_HOLD_STATUSES,
  "credit_lines.status": Object.values(CreditLineStatus),
  "invoices.status": Object.values(InvoiceStatus),
  "reconciliation_alerts.status": Object.values(ReconciliationAlertStatus),
};

type Numeric = ColumnType<string, string | undefined, string>;

export interface JournalEntriesTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  entry_date: string;
  description: string;
  source_type: string | null;
  source_id: string | null;
  reverses_id: string | null;
  posted_by: string;
  posted_at: Generated<Date>;
}

export interface JournalLinesTable {
  id: Generated<string>;
  entry_id: string;
  account_id: string;
  currency: string;
  debit: Numeric;
  credit: Numeric;
}

export interface InvoicesTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  customer_id: string;
  sales_order_id: string | null;
  shipment_id: string | null;
  currency: string;
  status: Generated<InvoiceStatus>;
  issued_on: string;
  due_on: string;
  subtotal: string;
  tax_total: string;
  total: string;
  amount_paid: Numeric;
  interest_accrued: Numeric;
  amount_credited: Numeric;
  version: Generated<number>;
  created_at: Generated<Date>;
}

export interface InvoiceLinesTable {
  invoice_id: string;
  line_number: number;
  description: string;
  product_id: string | null;
  quantity: string;
  unit_price: string;
  net_amount: string;
  tax_amount: string;
}

export interface PaymentsTable {
  id: Generated<string>;
  seq: Generated<string>;
  customer_id: string;
  amount: string;
  currency: string;
  method: "BANK_TRANSFER" | "CARD" | "CASH" | "CHEQUE";
  external_reference: string;
  received_on: string;
  created_at: Generated<Date>;
}

export interface AllocationsTable {
  id: Generated<string>;
  payment_id: string;
  invoice_id: string;
  amount: string;
  created_at: Generated<Date>;
}

export interface ReconciliationRunsTable {
  id: Generated<string>;
  seq: Generated<string>;
  trigger: "SCHEDULE" | "ON_DEMAND";
  window_start: Date;
  window_end: Date;
  checks: number;
  discrepancies: number;
  opened: number;
  resolved: number;
  duration_ms: number;
  outcome: "OK" | "NOT_OK";
  started_by: string;
}

export interface ReconciliationAlertsTable {
  id: Generated<string>;
  seq: Generated<string>;
  kind: string;
  severity: "WARNING" | "CRITICAL";
  fingerprint: string;
  description: string;
  documents: ColumnType<{ type: string; id: string }[], string, string>;
  expected: string | null;
  found: string | null;
  status: Generated<AlertStatus>;
  first_run_id: string;
  last_seen_run_id: string;
  acknowledged_by: string | null;
  resolved_by: string | null;
  resolution: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface InterestAccrualsTable {
  invoice_id: string;
  accrual_date: string;
  principal: string;
  annual_rate: string;
  amount: string;
  remainder: string;
}

export interface CreditLinesTable {
  id: Generated<string>;
  seq: Generated<string>;
  customer_id: string;
  limit_amount: string;
  currency: string;
  annual_interest_rate: string | null;
  status: Generated<CreditLineStatus>;
  requested_by: string;
  decision_reason: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
}

/** The payable of one posted payroll run in one currency. */
export interface PayrollPayablesTable {
  payroll_run_id: string;
  currency: string;
  run_number: string;
  period: string;
  amount: string;
  employees: number;
  posting_entry_id: string;
  paid_on: string | null;
  payment_id: string | null;
  payment_entry_id: string | null;
  created_at: Generated<Date>;
}

/** A stock level whose on hand disagrees with its movements, as inventory reports it. */
export interface StockDiscrepancy {
  productId: string;
  warehouseId: string;
  onHand: string;
  ledgerQuantity: string;
}

/** The finance schema, as Kysely sees it. */
export interface FinanceDatabase extends LedgerTables {
  "finance.document_counters": { series: string; year: number; last_number: string };
  "finance.known_customers": { customer_id: string; name: string; version: number };
  "finance.accounts": {
    id: Generated<string>;
    code: string;
    name: string;
    type: "ASSET" | "LIABILITY" | "EQUITY" | "REVENUE" | "EXPENSE";
  };
  "finance.journal_entries": JournalEntriesTable;
  "finance.journal_lines": JournalLinesTable;
  "finance.invoices": InvoicesTable;
  "finance.invoice_lines": InvoiceLinesTable;
  "finance.payments": PaymentsTable;
  "finance.allocations": AllocationsTable;
  "finance.reconciliation_runs": ReconciliationRunsTable;
  "finance.interest_accruals": InterestAccrualsTable;
  "finance.credit_lines": CreditLinesTable;
  "finance.inventory_ledger_reports": {
    id: string;
    checked_at: Date;
    discrepancies: ColumnType<StockDiscrepancy[], string, string>;
  };
  "finance.credit_notes": {
    id: Generated<string>;
    number: string;
    invoice_id: string;
    amount: string;
    reason: string;
    issued_by: string;
    issued_at: Generated<Date>;
  };
  "finance.refunds": {
    id: Generated<string>;
    payment_id: string;
    amount: string;
    reason: string;
    refunded_by: string;
    refunded_at: Generated<Date>;
  };
  "finance.credit_line_approvals": { credit_line_id: string; approver: string; approved_at: Generated<Date> };
  "finance.credit_holds": {
    order_id: string;
    customer_id: string;
    currency: string;
    amount: string;
    status: CreditHoldStatus;
    updated_at: Generated<Date>;
  };
  "finance.reconciliation_alerts": ReconciliationAlertsTable;
  "finance.payroll_payables": PayrollPayablesTable;
}
