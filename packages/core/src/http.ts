import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerOptions, type BaseContext } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Express, type Request, type RequestHandler } from "express";
import {
  type HttpLimits,
  httpLimitsFromEnv,
  jsonBody,
  jsonErrorHandler,
  loadShedder,
  timeBudget,
} from "./http-limits.js";
import { logger } from "./logger.js";

export interface GraphQLHttpOptions<C extends BaseContext> {
  apollo: Omit<ApolloServerOptions<C>, "plugins"> & { plugins?: ApolloServerOptions<C>["plugins"] };
  context: (req: Request) => Promise<C>;
  /** Readiness: the process can serve (its database answers); details (what is missing) go into the answer. */
  ready: () => Promise<boolean | Readiness>;
  port: number;
  host?: string;
  /** Body size, time budget and load shedding; from the environment when left out. */
  limits?: HttpLimits;
  /** Edge hooks for GraphQL routes: `beforeBody` runs before the body is read (CORS), `afterBody` inside the time budget. */
  edge?: { beforeBody?: RequestHandler[]; afterBody?: RequestHandler[] };
  /** Further HTTP routes (exports, documents, explorer), mounted before GraphQL takes / and /graphql. */
  routes?: (app: Express, apollo: ApolloServer<C>) => void;
}

/** A readiness answer with details, e.g. `{ ready: false, unavailable: ["crm"] }`. */
export interface Readiness {
  ready: boolean;
  [detail: string]: unknown;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stops taking requests, lets in-flight ones finish, then closes. */
  stop(): Promise<void>;
}

/** Serves GraphQL on / and /graphql, plus /health and /ready, with graceful draining. */
export async function serveGraphQL<C extends BaseContext>(options: GraphQLHttpOptions<C>): Promise<RunningServer> {
  const app = express();
  const limits = options.limits ?? httpLimitsFromEnv();
  app.disable("x-powered-by");
  app.set("trust proxy", limits.trustProxy);
  const httpServer = createServer(app);
  // Clients (the gateway's fetches, partners' pools) reuse idle connections; closing them after
  // Node's default 5 s races a client's next request on the same socket ("other side closed").
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  const server = new ApolloServer<C>({
    // onShutdown stops the whole process in order (server, event bus, database); Apollo's own
    // signal handler would re-raise the signal after stopping the server and kill the process
    // before the database is closed (PGlite's files, the DATA_DIR lock).
    stopOnTerminationSignals: false,
    // Compact JSON: Apollo's default indents every answer, which costs CPU and bytes (a 50-order
    // list is about a third larger) and serves no client; browsers' tools format it anyway.
    stringifyResult: (value) => JSON.stringify(value),
    ...options.apollo,
    plugins: [...(options.apollo.plugins ?? []), ApolloServerPluginDrainHttpServer({ httpServer })],
  } as ApolloServerOptions<C>);
  await server.start();
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", async (_req, res) => {
    const answer = await options.ready();
    const { ready: ok, ...details } = typeof answer === "boolean" ? { ready: answer } : answer;
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable", ...details });
  });
  options.routes?.(app, server);
  // Health and readiness are registered above, so they bypass the load shedder and the limits.
  app.use(
    ["/", "/graphql"],
    ...(options.edge?.beforeBody ?? []),
    loadShedder(limits),
    jsonBody(limits),
    timeBudget(limits),
    ...(options.edge?.afterBody ?? []),
    expressMiddleware(server, { context: ({ req }) => options.context(req) }),
  );
  app.use(jsonErrorHandler(limits));
  const port = await listen(httpServer, options.port, options.host);
  const host = options.host && options.host !== "0.0.0.0" ? options.host : "localhost";
  return { url: `http://${host}:${port}/`, port, stop: () => server.stop() };
}

function listen(server: Server, port: number, host: string | undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down gracefully");
    stop()
      .then(() => process.exit(0))
      .catch((error) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      });
  };
  process.once("SIGTERM", () => handler("SIGTERM"));
  process.once("SIGINT", () => handler("SIGINT"));
}
