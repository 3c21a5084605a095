import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_procurement.js";

export const migrations: DomainMigrations = {
  "0001_procurement": m0001,
};
