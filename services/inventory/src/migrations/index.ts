import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_inventory.js";
import * as m0002 from "./0002_movement_values.js";
import * as m0003 from "./0003_no_truncate.js";
import * as m0004 from "./0004_list_order_and_search.js";

export const migrations: DomainMigrations = {
  "0001_inventory": m0001,
  "0002_movement_values": m0002,
  "0003_no_truncate": m0003,
  "0004_list_order_and_search": m0004,
};
