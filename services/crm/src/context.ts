import type { SubgraphContext } from "@erp/core";
import type { CrmDatabase } from "./db.js";
import type { CrmLoaders } from "./loaders.js";

/** What every CRM resolver receives, in-process or in its own server. */
export type CrmContext = SubgraphContext<CrmDatabase, CrmLoaders> & { domain: string };
