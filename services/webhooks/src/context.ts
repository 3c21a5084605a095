import type { SubgraphContext } from "@erp/core";
import type { WebhooksDatabase } from "./db.js";
import type { WebhooksLoaders } from "./loaders.js";

/** What every webhooks resolver receives, in-process or in its own server. */
export type WebhooksContext = SubgraphContext<WebhooksDatabase, WebhooksLoaders> & { domain: string };
