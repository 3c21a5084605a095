import type { SubgraphContext } from "@erp/core";
import type { SalesDatabase } from "./db.js";
import type { SalesLoaders } from "./loaders.js";

/** What every sales resolver receives, in-process or in its own server. */
export type SalesContext = SubgraphContext<SalesDatabase, SalesLoaders> & { domain: string };
