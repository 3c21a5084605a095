import { join } from "node:path";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { Request } from "express";
import { GraphQLError } from "graphql";
import { CancellationPlugin } from "./cancellation.js";
import { DEVELOPMENT_PRINCIPAL, decodePrincipal, HEADERS, type RequestInfo, requestIdFrom } from "./context.js";
import { type Database, isReachable, openDatabase } from "./database.js";
import { errorMaskingPlugin } from "./error-masking.js";
import { EventBus } from "./events/event-bus.js";
import { operations } from "./events/operations.js";
import { type RunningServer, serveGraphQL } from "./http.js";
import { migrateDomain } from "./migrations.js";
import { buildSubgraph, createSubgraphContext, type SubgraphModule } from "./subgraph.js";

export interface SubgraphServerOptions {
  port: number;
  host?: string;
  databaseUrl?: string | undefined;
  dataDir?: string | undefined;
  /** When set, only requests carrying this secret (from the gateway) are served. */
  gatewaySecret?: string | undefined;
}

/** Split mode: one domain's subgraph alone in its own process, behind the gateway. */
export async function startSubgraphServer(
  module: SubgraphModule,
  options: SubgraphServerOptions,
): Promise<RunningServer & { database: Database }> {
  // Without PostgreSQL each subgraph process keeps its own PGlite folder: PGlite serves one process.
  const dataDir = options.dataDir && join(options.dataDir, module.name);
  const database = await openDatabase({ url: options.databaseUrl, dataDir });
  await migrateDomain(database.db, module.name, module.migrations);
  // Dead letters land in the operations schema, whichever process delivered the event.
  await migrateDomain(database.db, operations.name, operations.migrations);
  const bus = await EventBus.start(database, [module]);
  // Once the gateway gives up on a request (time budget, client gone), its SQL stops here too.
  const db = database.db.withPlugin(new CancellationPlugin());
  const running = await serveGraphQL({
    apollo: {
      schema: buildSubgraph(module),
      plugins: [errorMaskingPlugin(), ApolloServerPluginInlineTraceDisabled()],
      introspection: true,
    },
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

/** Rebuilds the request the gateway described in its headers. */
export function requestInfoFromGateway(req: Request, secret: string | undefined): RequestInfo {
  if (secret && req.header(HEADERS.gatewaySecret) !== secret) {
    throw new GraphQLError("Subgraphs accept requests from the gateway only", {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  }
  const header = req.header(HEADERS.principal);
  const principal = header ? decodePrincipal(header) : secret ? undefined : DEVELOPMENT_PRINCIPAL;
  if (!principal) {
    throw new GraphQLError("Missing or malformed principal", {
      extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  }
  return { principal, requestId: requestIdFrom(req.header(HEADERS.requestId)) };
}
