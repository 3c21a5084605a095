import { fileURLToPath } from "node:url";
import { logger, onShutdown, operations, startSubgraphServer } from "@erp/core";

// Split mode: the platform's operations subgraph (dead letters) in its own process.
const server = await startSubgraphServer(operations, {
  port: Number(process.env.PORT ?? 4009),
  host: process.env.HOST,
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL("../../.data", import.meta.url)),
  gatewaySecret: process.env.GATEWAY_SECRET,
});
logger.info({ url: server.url, database: server.database.kind }, "operations subgraph ready");
console.log(`operations subgraph listening on ${server.url} (${server.database.kind})`);
onShutdown(server.stop);
