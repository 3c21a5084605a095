import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_sales.js";
import * as m0002 from "./0002_known_warehouses.js";
import * as m0003 from "./0003_confirmation_legs.js";

export const migrations: DomainMigrations = {
  "0001_sales": m0001,
  "0002_known_warehouses": m0002,
  "0003_confirmation_legs": m0003,
};
