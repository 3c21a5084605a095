import { serveSubgraphProcess } from "@erp/core";
import { procurement } from "./index.js";

// Split mode: the procurement subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(procurement, 4006);
