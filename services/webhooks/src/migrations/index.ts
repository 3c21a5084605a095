import type { DomainMigrations } from "@erp/core";
import * as m0001 from "./0001_webhooks.js";

export const migrations: DomainMigrations = {
  "0001_webhooks": m0001,
};
