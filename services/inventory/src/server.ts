import { serveSubgraphProcess } from "@erp/core";
import { inventory } from "./index.js";

// Split mode: the inventory subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(inventory, 4002);
