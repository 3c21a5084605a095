import { serveSubgraphProcess } from "@erp/core";
import { webhooks } from "./index.js";

// Split mode: the webhooks subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(webhooks, 4008);
