import type { SubgraphContext } from "@erp/core";
import type { ProcurementDatabase } from "./db.js";
import type { ProcurementLoaders } from "./loaders.js";

/** What every procurement resolver receives, in-process or in its own server. */
export type ProcurementContext = SubgraphContext<ProcurementDatabase, ProcurementLoaders> & { domain: string };
