import { serveSubgraphProcess } from "@erp/core";
import { finance } from "./index.js";

// Split mode: the finance subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(finance, 4004);
