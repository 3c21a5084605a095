import { ApolloGateway } from "@apollo/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import {
  type Database,
  errorMaskingPlugin,
  HEADERS,
  type RunningServer,
  requestIdFrom,
  requestLogger,
  type SubgraphModule,
  serveGraphQL,
  withCancellation,
} from "@erp/core";
import type { Request } from "express";
import type { Kysely } from "kysely";
import { safelistPlugin } from "./auth/api-keys.js";
import { type ApiKeyVerifier, createAuthenticator, type VerifiedApiKey } from "./auth/authenticate.js";
import { composeSupergraph } from "./compose.js";
import type { GatewayConfig } from "./config.js";
import { type FetchLevers, type GatewayContext, InProcessSubgraph, RemoteSubgraph } from "./data-sources.js";
import { mountDocuments } from "./documents.js";
import { createEdge, readiness } from "./edge/index.js";
import { landingPage, mountGraphiql } from "./explorer.js";
import { explorerExamples } from "./explorer-examples.js";
import { graphRunner, mountExports } from "./exports.js";
import { measured, metricsPlugin } from "./metrics.js";
import { SqlTracingPlugin, traced, tracingPlugin } from "./tracing.js";

export interface GatewayOptions {
  config: GatewayConfig;
  modules: SubgraphModule[];
  /** The database of one-process mode; split mode leaves the data to the subgraph servers. */
  database?: Database;
  /** Checks partners' API keys (the identity domain's); without it API keys are refused. */
  apiKeys?: ApiKeyVerifier;
  /** Where safelist-only keys' registered operations are read (the identity domain's tables). */
  identityDb?: Kysely<unknown>;
  /** Development: the API key Sandbox sends by default, so the example operation just runs. */
  developmentToken?: string;
  /** One-process mode: how subgraph fetches run in process (the benchmark turns levers off one by one). */
  fetchLevers?: FetchLevers;
}

/** Starts the Apollo gateway over the composed supergraph, in one process or split. */
export async function startGateway(options: GatewayOptions): Promise<RunningServer> {
  const { config, modules, database } = options;
  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud metadata
  // endpoints; an ERP does not phone home unless its operator opts in.
  process.env.APOLLO_TELEMETRY_DISABLED ??= "true";
  const byName = new Map(modules.map((m) => [m.name, m]));
  const supergraphSdl = composeSupergraph(modules, (name) =>
    config.mode === "split" ? config.subgraphUrls[name]! : `http://in-process/${name}`,
  );
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) => {
      if (config.mode === "split") return traced(name, measured(name, new RemoteSubgraph(url!, config.gatewaySecret!)));
      if (!database) throw new Error("One-process mode needs a database");
      // A cancelled request (time budget, client gone) runs no further SQL.
      const db = withCancellation(database.db).withPlugin(new SqlTracingPlugin());
      return traced(name, measured(name, new InProcessSubgraph(byName.get(name)!, db, options.fetchLevers)));
    },
  });
  const authenticate = createAuthenticator(config.auth, options.apiKeys);
  const context = async (req: Request) => {
    const { principal, apiKey } = await authenticate(req);
    const info = { principal, requestId: requestIdFrom(req.header(HEADERS.requestId)) };
    return { ...info, apiKey, log: requestLogger(info) };
  };
  const examples = explorerExamples(modules);
  const edge = await createEdge(config);
  const server = await serveGraphQL<
    GatewayContext & { apiKey: VerifiedApiKey | undefined; log: ReturnType<typeof requestLogger> }
  >({
    apollo: {
      gateway,
      introspection: config.introspection,
      includeStacktraceInErrorResponses: false,
      ...edge.apollo,
      plugins: [
        metricsPlugin(),
        tracingPlugin(),
        errorMaskingPlugin(),
        requestIdHeaderPlugin(),
        landingPage({ production: config.production, examples, token: options.developmentToken }),
        ...(options.identityDb ? [safelistPlugin(options.identityDb)] : []),
        ...edge.plugins,
      ],
    },
    context,
    // Exports, documents and the offline explorer: their own files, on the graph's pipeline.
    routes: (app, apollo) => {
      const runners = graphRunner(apollo, context);
      mountExports(app, runners);
      mountDocuments(app, runners);
      if (!config.production)
        mountGraphiql(app, examples, options.developmentToken ? { "x-api-key": options.developmentToken } : {});
    },
    ready: readiness(config, database),
    port: config.port,
    host: config.host,
    limits: edge.limits,
    edge: edge.http,
  });
  return { ...server, stop: async () => (await server.stop(), await edge.close()) };
}

/** Echoes the request id so a client can quote it when reporting a problem. */
function requestIdHeaderPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set(HEADERS.requestId, contextValue.requestId);
        },
      };
    },
  };
}
