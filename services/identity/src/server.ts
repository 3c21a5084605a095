import { serveSubgraphProcess } from "@erp/core";
import { identity } from "./index.js";

// Split mode: the identity subgraph alone in its own process; the gateway reaches it over HTTP.
await serveSubgraphProcess(identity, 4005);
