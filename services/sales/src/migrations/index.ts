import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_sales.js";
import * as m0002 from "./0002_known_warehouses.js";
import * as m0003 from "./0003_confirmation_legs.js";
import * as m0004 from "./0004_status_reason_code.js";
import * as m0005 from "./0005_salesperson_employee.js";
import * as m0006 from "./0006_closing_and_timeouts.js";
import * as m0007 from "./0007_list_order_and_search.js";

export const migrations: DomainMigrations = {
  "0001_sales": m0001,
  "0002_known_warehouses": m0002,
  "0003_confirmation_legs": m0003,
  "0004_status_reason_code": m0004,
  "0005_salesperson_employee": m0005,
  "0006_closing_and_timeouts": m0006,
  "0007_list_order_and_search": m0007,
};
