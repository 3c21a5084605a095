import type { SubgraphContext } from "@erp/core";
import type { HrDatabase } from "./db.js";
import type { HrLoaders } from "./loaders.js";

/** What every HR resolver receives, in-process or in its own server. */
export type HrContext = SubgraphContext<HrDatabase, HrLoaders> & { domain: string };
