import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_hr.js";
import * as m0002 from "./0002_list_order_and_search.js";

export const migrations: DomainMigrations = {
  "0001_hr": m0001,
  "0002_list_order_and_search": m0002,
};
