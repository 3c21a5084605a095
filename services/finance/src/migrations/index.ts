import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_finance.js";

export const migrations: DomainMigrations = {
  "0001_finance": m0001,
};
