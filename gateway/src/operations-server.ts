import { operations, serveSubgraphProcess } from "@erp/core";

// Split mode: the platform's operations subgraph (dead letters, the audit trail) in its own process;
// it reads every domain schema's audit_log, so it needs the same database as the domains.
await serveSubgraphProcess(operations, 4009);
