import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_hr.js";

export const migrations: DomainMigrations = {
  "0001_hr": m0001,
};
