import type { SubgraphModule } from "@erp/core";
import { crm } from "@erp/crm";
import { inventory } from "@erp/inventory";

/** Every domain the gateway serves, with the port its own server listens on in split mode. */
export const SUBGRAPHS: { module: SubgraphModule; port: number }[] = [
  { module: crm, port: 4001 },
  { module: inventory, port: 4002 },
];

export const subgraphModules = (): SubgraphModule[] => SUBGRAPHS.map((s) => s.module);
