import { serveSubgraphProcess } from "@erp/core";
import { sales } from "./index.js";

// Split mode: the sales subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(sales, 4003);
