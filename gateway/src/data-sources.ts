import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { LocalGraphQLDataSource, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { FetcherResponse } from "@apollo/utils.fetcher";
import {
  abortableFetch,
  buildSubgraph,
  createSubgraphContext,
  errorMaskingPlugin,
  type RequestInfo,
  type SubgraphModule,
  signedHeaders,
  throwIfCancelled,
} from "@erp/core";
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import type { Kysely } from "kysely";

export type GatewayContext = RequestInfo;

/**
 * One-process mode: runs a subgraph in this process through the same Apollo Server
 * pipeline (validation, masking plugin) that serves it over HTTP in split mode, with the
 * same context a split-mode server builds from the gateway's headers.
 */
export class InProcessSubgraph extends LocalGraphQLDataSource<GatewayContext> {
  private readonly contexts = new WeakMap<object, { requestId: string }>();
  private readonly server: ApolloServer<{ requestId: string }>;
  private started?: Promise<void>;

  constructor(
    private readonly module: SubgraphModule,
    private readonly db: Kysely<unknown>,
  ) {
    super(buildSubgraph(module));
    this.server = new ApolloServer({
      schema: this.schema,
      plugins: [errorMaskingPlugin(), ApolloServerPluginInlineTraceDisabled()],
      // The process stops in order on a signal (onShutdown); Apollo's handler would re-raise it and kill it first.
      stopOnTerminationSignals: false,
    });
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const info = "context" in options && options.context?.principal ? (options.context as GatewayContext) : undefined;
    if (!info) return super.process(options);
    throwIfCancelled(); // the time budget ran out: the query plan's next fetches do not run
    this.started ??= this.server.start();
    await this.started;
    const { query, variables, operationName } = options.request;
    const response = await this.server.executeOperation(
      { query, variables, operationName },
      { contextValue: this.contextFor(info) },
    );
    if (response.body.kind !== "single") throw new Error("Incremental delivery is not supported between subgraphs");
    const { data, errors } = response.body.singleResult;
    // A request the subgraph rejects outright (HTTP 4xx over the wire) surfaces as its first error.
    const rejected = (response.http.status ?? 200) >= 400;
    return {
      data: data ?? (rejected ? undefined : data),
      errors: (rejected ? errors?.slice(0, 1) : errors)?.map(toGraphQLError),
    };
  }

  /** One subgraph context (and one set of DataLoaders) per gateway request. */
  private contextFor(info: GatewayContext): { requestId: string } {
    let context = this.contexts.get(info);
    if (!context) {
      context = createSubgraphContext(this.module, this.db, { principal: info.principal, requestId: info.requestId });
      this.contexts.set(info, context);
    }
    return context;
  }
}

function toGraphQLError(error: GraphQLFormattedError): GraphQLError {
  return new GraphQLError(error.message, { path: error.path, extensions: error.extensions });
}

/**
 * Split mode: forwards the principal and request id, signed with the gateway secret; the
 * subgraph checks the signature and rebuilds the same context.
 */
export class RemoteSubgraph extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    // The fetch follows the request's signal: a request out of time aborts its subgraph calls.
    super({ url, fetcher: abortableFetch as RemoteGraphQLDataSource["fetcher"] });
  }

  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const { request } = options;
    const context = "context" in options ? (options.context as GatewayContext | undefined) : undefined;
    if (!context?.principal) return;
    const info = { principal: context.principal, requestId: context.requestId };
    for (const [name, value] of Object.entries(signedHeaders(this.secret, info)))
      request.http?.headers.set(name, value);
  }

  /** A subgraph that rejects a request outright still answers in GraphQL: keep its first error. */
  override async errorFromResponse(response: FetcherResponse) {
    const body = (await this.parseBody(response)) as { errors?: GraphQLFormattedError[] } | string;
    const first = typeof body === "object" ? body.errors?.[0] : undefined;
    if (!first) return super.errorFromResponse(response);
    return toGraphQLError({ message: first.message, extensions: first.extensions });
  }
}
