import type { SubgraphContext } from "@erp/core";
import type { FinanceDatabase } from "./db.js";
import type { FinanceLoaders } from "./loaders.js";

/** What every finance resolver receives, in-process or in its own server. */
export type FinanceContext = SubgraphContext<FinanceDatabase, FinanceLoaders> & { domain: string };
