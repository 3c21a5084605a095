import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_finance.js";
import * as m0002 from "./0002_reconciliation.js";

export const migrations: DomainMigrations = {
  "0001_finance": m0001,
  "0002_reconciliation": m0002,
};
