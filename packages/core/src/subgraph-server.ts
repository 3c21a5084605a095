import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { Request } from "express";
import { GraphQLError } from "graphql";
import { gatewaySecretFrom, verifySignedHeaders } from "./auth/gateway-signature.js";
import { withCancellation } from "./cancellation.js";
import type { RequestInfo } from "./context.js";
import { type Database, isReachable, openDatabase, poolSizeFrom, withStartupLock } from "./database.js";
import { errorMaskingPlugin } from "./error-masking.js";
import { EventBus } from "./events/event-bus.js";
import { onShutdown, type RunningServer, serveGraphQL } from "./http.js";
import { subgraphServerLimits } from "./http-limits.js";
import { logger } from "./logger.js";
import { migrateDomain } from "./migrations.js";
import { operations } from "./operations/operations.js";
import { buildSubgraph, createSubgraphContext, type SubgraphModule } from "./subgraph.js";

export interface SubgraphServerOptions {
  port: number;
  host?: string;
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** Only requests the gateway signed with this secret are served (see gatewaySecretFrom). */
  gatewaySecret: string;
  /** Connections this process may hold on PostgreSQL (DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Production: no introspection. */
  production?: boolean;
}

/** Split mode: one domain's subgraph alone in its own process, behind the gateway. */
export async function startSubgraphServer(
  module: SubgraphModule,
  options: SubgraphServerOptions,
): Promise<RunningServer & { database: Database }> {
  module.settings?.(); // a bad setting stops the start before any migration runs
  // Without PostgreSQL each subgraph process keeps its own PGlite folder: PGlite serves one process.
  const dataDir = options.dataDir && join(options.dataDir, module.name);
  const database = await openDatabase({ url: options.databaseUrl, dataDir, maxConnections: options.poolSize });
  // Processes starting together on a fresh database take turns (see withStartupLock).
  await withStartupLock(database, async () => {
    await migrateDomain(database.db, module.name, module.migrations);
    // Dead letters land in the operations schema, whichever process delivered the event.
    await migrateDomain(database.db, operations.name, operations.migrations);
  });
  const bus = await EventBus.start(database, [module]);
  // Once the gateway gives up on a request (time budget, client gone), its SQL stops here too.
  const db = withCancellation(database.db);
  const running = await serveGraphQL({
    apollo: {
      schema: buildSubgraph(module),
      plugins: [errorMaskingPlugin(), ApolloServerPluginInlineTraceDisabled()],
      introspection: !options.production,
    },
    limits: subgraphServerLimits(),
    context: async (req) => createSubgraphContext(module, db, requestInfoFromGateway(req, options.gatewaySecret)),
    ready: () => isReachable(database.db),
    port: options.port,
    host: options.host,
  });
  return {
    ...running,
    database,
    stop: async () => {
      await running.stop();
      await bus.stop();
      await database.close();
    },
  };
}

/** Rebuilds the request the gateway described and signed; anything else is refused. */
export function requestInfoFromGateway(req: Request, secret: string): RequestInfo {
  const check = verifySignedHeaders(secret, (name) => req.header(name));
  if (!check.ok)
    throw new GraphQLError(`Subgraphs accept requests signed by the gateway only (${check.reason})`, {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  return check.info;
}

/** A split-mode process for one subgraph, configured from the environment (see README). */
export async function serveSubgraphProcess(module: SubgraphModule, defaultPort: number): Promise<void> {
  const env = process.env;
  const server = await startSubgraphServer(module, {
    port: Number(env.PORT ?? defaultPort),
    host: env.HOST,
    databaseUrl: env.DATABASE_URL,
    poolSize: poolSizeFrom(env),
    dataDir: env.DATA_DIR ?? fileURLToPath(new URL("../../../.data", import.meta.url)),
    gatewaySecret: gatewaySecretFrom(env),
    production: env.NODE_ENV === "production",
  });
  logger.info({ url: server.url, database: server.database.kind }, `${module.name} subgraph ready`);
  console.log(`${module.name} subgraph listening on ${server.url} (${server.database.kind})`);
  onShutdown(server.stop);
}
