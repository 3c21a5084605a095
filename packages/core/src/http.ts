import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerOptions, type BaseContext } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type Request } from "express";
import { logger } from "./logger.js";

export interface GraphQLHttpOptions<C extends BaseContext> {
  apollo: Omit<ApolloServerOptions<C>, "plugins"> & { plugins?: ApolloServerOptions<C>["plugins"] };
  context: (req: Request) => Promise<C>;
  /** Readiness: the process can serve (its database answers). */
  ready: () => Promise<boolean>;
  port: number;
  host?: string;
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
  app.disable("x-powered-by");
  const httpServer = createServer(app);
  const server = new ApolloServer<C>({
    ...options.apollo,
    plugins: [...(options.apollo.plugins ?? []), ApolloServerPluginDrainHttpServer({ httpServer })],
  } as ApolloServerOptions<C>);
  await server.start();
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/ready", async (_req, res) => {
    const ok = await options.ready();
    res.status(ok ? 200 : 503).json({ status: ok ? "ready" : "unavailable" });
  });
  app.use(
    ["/", "/graphql"],
    express.json({ limit: "1mb" }),
    expressMiddleware(server, { context: ({ req }) => options.context(req) }),
  );
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
