import { fileURLToPath } from "node:url";
import { logger, onShutdown, startSubgraphServer } from "@erp/core";
import { identity } from "./index.js";

// Split mode: the identity subgraph alone in its own process; the gateway reaches it over HTTP.
const server = await startSubgraphServer(identity, {
  port: Number(process.env.PORT ?? 4005),
  host: process.env.HOST,
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL("../../../.data", import.meta.url)),
  gatewaySecret: process.env.GATEWAY_SECRET,
});
logger.info({ url: server.url, database: server.database.kind }, "identity subgraph ready");
console.log(`identity subgraph listening on ${server.url} (${server.database.kind})`);
onShutdown(server.stop);
