import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_crm.js";
import * as m0002 from "./0002_account_managers.js";
import * as m0003 from "./0003_list_order_and_search.js";

export const migrations: DomainMigrations = {
  "0001_crm": m0001,
  "0002_account_managers": m0002,
  "0003_list_order_and_search": m0003,
};
