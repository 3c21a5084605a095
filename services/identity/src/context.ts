import type { SubgraphContext } from "@erp/core";
import type { IdentityDatabase } from "./db.js";
import type { IdentityLoaders } from "./loaders.js";

/** What every identity resolver receives, in-process or in its own server. */
export type IdentityContext = SubgraphContext<IdentityDatabase, IdentityLoaders> & { domain: string };
