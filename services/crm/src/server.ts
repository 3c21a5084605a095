import { fileURLToPath } from "node:url";
import { logger, onShutdown, startSubgraphServer } from "@erp/core";
import { crm } from "./index.js";

// Split mode: the CRM subgraph alone in its own process; the gateway reaches it over HTTP.
const server = await startSubgraphServer(crm, {
  port: Number(process.env.PORT ?? 4001),
  host: process.env.HOST,
  databaseUrl: process.env.DATABASE_URL,
  dataDir: process.env.DATA_DIR ?? fileURLToPath(new URL("../../../.data", import.meta.url)),
  gatewaySecret: process.env.GATEWAY_SECRET,
});
logger.info({ url: server.url, database: server.database.kind }, "crm subgraph ready");
console.log(`crm subgraph listening on ${server.url} (${server.database.kind})`);
onShutdown(server.stop);
