import type { ApolloServerPlugin } from "@apollo/server";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import type { HttpLimits } from "@erp/core";
import cors from "cors";
import type { RequestHandler } from "express";
import type { ValidationRule } from "graphql";
import type { GatewayConfig } from "../config.js";
import { shapeRules, tokenLimit } from "./armor.js";
import { costLimitPlugin } from "./cost.js";
import { chargeRateLimit, createRateLimits } from "./rate-limit.js";

export * from "./config.js";
export * from "./cost.js";
export * from "./readiness.js";

/** Everything the gateway needs to refuse abusive requests; spread into its Apollo and HTTP options. */
export interface Edge {
  apollo: {
    validationRules: ValidationRule[];
    csrfPrevention: true;
    allowBatchedHttpRequests: false;
    hideSchemaDetailsFromClientErrors: boolean;
    persistedQueries: { cache: InMemoryLRUCache<string>; ttl: number };
  };
  // biome-ignore lint/suspicious/noExplicitAny: each plugin reads only the context fields it names
  plugins: ApolloServerPlugin<any>[];
  http: { beforeBody: RequestHandler[]; afterBody: RequestHandler[] };
  limits: HttpLimits;
  close(): Promise<void>;
}

export async function createEdge(config: GatewayConfig): Promise<Edge> {
  const edge = config.edge;
  const rateLimits = await createRateLimits({ ...edge, databaseUrl: config.databaseUrl });
  return {
    apollo: {
      validationRules: shapeRules(edge),
      csrfPrevention: true,
      // One operation per request: a batch of 1,000 would slip 1,000 operations past every per-request limit.
      allowBatchedHttpRequests: false,
      hideSchemaDetailsFromClientErrors: edge.hideSchemaDetails,
      // Bounded by the size of the query texts kept; the least recently used go first.
      persistedQueries: {
        cache: new InMemoryLRUCache<string>({ maxSize: edge.apqCacheBytes }),
        ttl: 24 * 3600,
      },
    },
    plugins: [costLimitPlugin(edge, chargeRateLimit(rateLimits))],
    http: {
      beforeBody: [cors({ origin: edge.corsOrigins === "*" ? true : edge.corsOrigins, maxAge: 600 })],
      afterBody: [tokenLimit(edge)],
    },
    limits: edge.http,
    close: () => rateLimits.close(),
  };
}
