import { serveSubgraphProcess } from "@erp/core";
import { hr } from "./index.js";

// Split mode: the HR subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(hr, 4007);
