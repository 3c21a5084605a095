import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_finance.js";
import * as m0002 from "./0002_reconciliation.js";
import * as m0003 from "./0003_interest.js";
import * as m0004 from "./0004_credit.js";
import * as m0005 from "./0005_credit_notes_and_refunds.js";
import * as m0006 from "./0006_inventory_ledger_reports.js";
import * as m0007 from "./0007_credit_line_interest.js";
import * as m0008 from "./0008_payables_and_stock_postings.js";
import * as m0009 from "./0009_payroll.js";
import * as m0010 from "./0010_received_shipments.js";
import * as m0011 from "./0011_no_truncate.js";
import * as m0012 from "./0012_list_order_and_search.js";
import * as m0013 from "./0013_legal_numbering.js";

export const migrations: DomainMigrations = {
  "0001_finance": m0001,
  "0002_reconciliation": m0002,
  "0003_interest": m0003,
  "0004_credit": m0004,
  "0005_credit_notes_and_refunds": m0005,
  "0006_inventory_ledger_reports": m0006,
  "0007_credit_line_interest": m0007,
  "0008_payables_and_stock_postings": m0008,
  "0009_payroll": m0009,
  "0010_received_shipments": m0010,
  "0011_no_truncate": m0011,
  "0012_list_order_and_search": m0012,
  "0013_legal_numbering": m0013,
};
