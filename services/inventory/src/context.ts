import type { SubgraphContext } from "@erp/core";
import type { InventoryDatabase } from "./db.js";
import type { InventoryLoaders } from "./loaders.js";

/** What every inventory resolver receives, in-process or in its own server. */
export type InventoryContext = SubgraphContext<InventoryDatabase, InventoryLoaders> & { domain: string };
