import { operations, serveSubgraphProcess } from "@erp/core";

// Split mode: the platform's operations subgraph (dead letters) in its own process.
await serveSubgraphProcess(operations, 4009);
