import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import {
  buildSubgraph,
  createSubgraphContext,
  DEVELOPMENT_PRINCIPAL,
  encodePrincipal,
  errorMaskingPlugin,
  HEADERS,
  type Principal,
  type SubgraphModule,
} from "@erp/core";
import type { GraphQLFormattedError } from "graphql";
import type { Kysely } from "kysely";

export interface GraphQLResult<T = any> {
  data?: T | null;
  errors?: readonly GraphQLFormattedError[];
}

/** Sends operations somewhere: one subgraph in-process, or the gateway over HTTP. */
export interface GraphQLClient {
  request<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult<T>>;
}

let requestCounter = 0;

/** Executes operations against one subgraph, the way Apollo's subgraph templates test. */
export function subgraphClient(
  module: SubgraphModule,
  db: Kysely<unknown>,
  principal: Principal = DEVELOPMENT_PRINCIPAL,
): GraphQLClient & { server: ApolloServer<any> } {
  const server = new ApolloServer<any>({
    schema: buildSubgraph(module),
    plugins: [errorMaskingPlugin(), ApolloServerPluginInlineTraceDisabled()],
  });
  return {
    server,
    async request(query, variables) {
      const requestId = `test-${++requestCounter}`;
      const contextValue = createSubgraphContext(module, db, { principal, requestId });
      const response = await server.executeOperation({ query, variables }, { contextValue });
      if (response.body.kind !== "single") throw new Error("Incremental delivery is not expected here");
      return response.body.singleResult as GraphQLResult;
    },
  };
}

/** Posts operations to a running gateway (or a subgraph server) over HTTP. */
export function httpClient(url: string, principal?: Principal, headers: Record<string, string> = {}): GraphQLClient {
  return {
    async request(query, variables) {
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(principal ? { [HEADERS.principal]: encodePrincipal(principal) } : {}),
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
