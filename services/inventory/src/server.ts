import { fileURLToPath } from "node:url";
import { logger, onShutdown, startSubgraphServer } from "@erp/core";
import { inventory } from "./index.js";

// Split mode: the inventory subgraph alone in its own process; the gateway reaches it over HTTP.
const server = await startSubgraphServer(inventory, {
  port: Number(process.env.PORT ?? 4002),
  host: process.env.HOST,
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL("../../../.data", import.meta.url)),
  gatewaySecret: process.env.GATEWAY_SECRET,
});
logger.info({ url: server.url, database: server.database.kind }, "inventory subgraph ready");
console.log(`inventory subgraph listening on ${server.url} (${server.database.kind})`);
onShutdown(server.stop);
