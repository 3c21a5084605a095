import { operations, type SubgraphModule } from "@erp/core";
import { crm } from "@erp/crm";
import { finance } from "@erp/finance";
import { hr } from "@erp/hr";
import { identity } from "@erp/identity";
import { inventory } from "@erp/inventory";
import { procurement } from "@erp/procurement";
import { sales } from "@erp/sales";
import { webhooks } from "@erp/webhooks";

/** Every domain the gateway serves, with the port its own server listens on in split mode. */
export const SUBGRAPHS: { module: SubgraphModule; port: number; server: string }[] = [
  // HR first: its demo staff become CRM's account managers and sales' salespeople when seeding.
  { module: hr, port: 4007, server: "services/hr/src/server.ts" },
  { module: crm, port: 4001, server: "services/crm/src/server.ts" },
  { module: inventory, port: 4002, server: "services/inventory/src/server.ts" },
  { module: sales, port: 4003, server: "services/sales/src/server.ts" },
  { module: finance, port: 4004, server: "services/finance/src/server.ts" },
  { module: identity, port: 4005, server: "services/identity/src/server.ts" },
  { module: procurement, port: 4006, server: "services/procurement/src/server.ts" },
  { module: webhooks, port: 4008, server: "services/webhooks/src/server.ts" },
  { module: operations, port: 4009, server: "gateway/src/operations-server.ts" },
];

export const subgraphModules = (): SubgraphModule[] => SUBGRAPHS.map((s) => s.module);
