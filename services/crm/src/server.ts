import { serveSubgraphProcess } from "@erp/core";
import { crm } from "./index.js";

// Split mode: the crm subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(crm, 4001);
