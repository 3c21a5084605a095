import { fileURLToPath } from "node:url";
import { logger, onShutdown, startSubgraphServer } from "@erp/core";
import { finance } from "./index.js";

// Split mode: the finance subgraph alone in its own process; the gateway reaches it over HTTP.
const server = await startSubgraphServer(finance, {
  port: Number(process.env.PORT ?? 4004),
  host: process.env.HOST,
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL("../../../.data", import.meta.url)),
  gatewaySecret: process.env.GATEWAY_SECRET,
});
logger.info({ url: server.url, database: server.database.kind }, "finance subgraph ready");
console.log(`finance subgraph listening on ${server.url} (${server.database.kind})`);
onShutdown(server.stop);
