import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import {
  buildSubgraph,
  type Clock,
  createSubgraphContext,
  errorMaskingPlugin,
  type Principal,
  type SubgraphModule,
  signedHeaders,
} from "@erp/core";
import type { GraphQLFormattedError } from "graphql";
import type { Kysely } from "kysely";
import { Agent, fetch } from "undici";

export interface GraphQLResult<T = any> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Sends operations somewhere: one subgraph in-process, or the gateway over HTTP. */
export interface GraphQLClient {
  request<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<GraphQLResult<T>>;
}

export interface RequestOptions {
  /** The request id to act under, e.g. to find it in the audit trail; a fresh one when absent. */
  requestId?: string;
}

let requestCounter = 0;

/** A person holding every scope: what most subgraph tests act as. */
export const TEST_PRINCIPAL: Principal = {
  subject: "tester@erp.local",
  kind: "person",
  roles: ["admin"],
  scopes: ["*"],
};

/** A person with the given subject and scopes, for access and four-eyes tests. */
export const person = (subject: string, scopes: string[] = ["*"]): Principal => ({
  subject,
  kind: "person",
  roles: [],
  scopes,
});

/** Executes operations against one subgraph, the way Apollo's subgraph templates test. */
export function subgraphClient(
  module: SubgraphModule,
  db: Kysely<unknown>,
  principal: Principal = TEST_PRINCIPAL,
  clock?: Clock,
): GraphQLClient & { server: ApolloServer<any> } {
  const server = new ApolloServer<any>({
    schema: buildSubgraph(module),
    plugins: [errorMaskingPlugin(), ApolloServerPluginInlineTraceDisabled()],
  });
  return {
    server,
    async request(query, variables, options) {
      const requestId = options?.requestId ?? `test-${++requestCounter}`;
      const contextValue = createSubgraphContext(module, db, { principal, requestId }, clock);
      const response = await server.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== "single") throw new Error("Incremental delivery is not expected here");
      return response.body.singleResult as GraphQLResult;
    },
  };
}

/**
 * Test clients close an idle connection after a second, long before any server we run does
 * (65 s). A connection both sides may close races: on a loaded machine a client that reads its
 * last answer seconds late still counts the connection alive and sends the next request on it
 * just as the server closes it ("fetch failed: other side closed"). Only one side closing idle
 * connections cannot race.
 */
const testAgent = new Agent({ keepAliveTimeout: 1_000, keepAliveMaxTimeout: 1_000 });

/**
 * Posts operations to a running gateway over HTTP with the given headers (a bearer token
 * or an API key); `signAs` signs a principal with the gateway secret, as the gateway does,
 * to call a split-mode subgraph server directly.
 */
export function httpClient(
  url: string,
  headers: Record<string, string> = {},
  signAs?: { secret: string; principal: Principal },
): GraphQLClient {
  return {
    async request(query, variables, options) {
      const requestId = options?.requestId ?? `test-${++requestCounter}`;
      const signed = signAs ? signedHeaders(signAs.secret, { principal: signAs.principal, requestId }) : {};
      const response = await fetch(url, {
        dispatcher: testAgent,
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(options?.requestId ? { "x-request-id": options.requestId } : {}),
          ...signed,
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResult;
    },
  };
}

/** Returns the data or fails the test with the GraphQL errors. */
export async function expectData<T = any>(
  client: GraphQLClient,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await client.request<T>(query, variables);
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors)}`);
  return result.data;
}
