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
  maskErrors,
  type RequestInfo,
  type SubgraphModule,
  signedHeaders,
  throwIfCancelled,
} from "@erp/core";
import {
  type DocumentNode,
  execute,
  GraphQLError,
  type GraphQLFormattedError,
  Kind,
  OperationTypeNode,
  parse,
  validate,
} from "graphql";
import type { Kysely } from "kysely";

export type GatewayContext = RequestInfo;

/**
 * How the in-process data source runs a subgraph fetch; each lever can be turned off alone, so
 * the benchmark (bench/) measures what each is worth. All on by default.
 */
export interface FetchLevers {
  /** Execute from a parsed and validated document kept per query string, not Apollo Server's pipeline. */
  cachedDocuments: boolean;
  /** Send each distinct entity representation of one fetch once, and fan the answer back out. */
  dedupeRepresentations: boolean;
  /** Concurrent identical query fetches of the same principal share one execution. */
  dedupeInFlight: boolean;
}

export const DEFAULT_FETCH_LEVERS: FetchLevers = {
  cachedDocuments: true,
  dedupeRepresentations: true,
  dedupeInFlight: true,
};

/** Distinct fetch documents the query planner writes are bounded by the operations clients send. */
const MAX_CACHED_DOCUMENTS = 2_000;

interface PreparedDocument {
  document?: DocumentNode;
  /** Parse or validation errors: the request is rejected outright, as a 400 over HTTP would be. */
  errors?: readonly GraphQLError[];
  isQuery: boolean;
}

type FetchResult = { data?: Record<string, unknown> | null; errors?: GraphQLError[] };

/**
 * One-process mode: runs a subgraph in this process with the same context a split-mode server
 * builds from the gateway's headers, and the same masking of errors. By default each fetch is
 * executed directly against the subgraph schema from a cached parsed and validated document
 * (Apollo Server's per-request pipeline cost more than the resolvers on short reads); with
 * `cachedDocuments` off it goes through that pipeline as before.
 */
export class InProcessSubgraph extends LocalGraphQLDataSource<GatewayContext> {
  private readonly contexts = new WeakMap<object, { requestId: string }>();
  private readonly server: ApolloServer<{ requestId: string }>;
  private readonly documents = new Map<string, PreparedDocument>();
  private readonly inFlight = new Map<string, { execution: Promise<FetchResult>; followers: number }>();
  private started?: Promise<void>;

  constructor(
    private readonly module: SubgraphModule,
    private readonly db: Kysely<unknown>,
    private readonly levers: FetchLevers = DEFAULT_FETCH_LEVERS,
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
    const { query = "", variables = {}, operationName } = options.request;
    const representations = this.levers.dedupeRepresentations ? variables.representations : undefined;
    if (!Array.isArray(representations) || representations.length < 2)
      return this.shared(info, query, variables, operationName);
    const distinct = distinctRepresentations(representations);
    if (distinct.unique.length === representations.length) return this.shared(info, query, variables, operationName);
    const result = await this.shared(info, query, { ...variables, representations: distinct.unique }, operationName);
    return fanOut(result, distinct.indexOf);
  }

  /** Identical query fetches of one principal in flight together run once; each caller gets its own copy. */
  private async shared(
    info: GatewayContext,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): Promise<FetchResult> {
    if (!this.levers.dedupeInFlight || !this.prepare(query).isQuery)
      return this.execute(info, query, variables, operationName);
    const key = `${JSON.stringify(info.principal)}\n${operationName ?? ""}\n${query}\n${JSON.stringify(variables)}`;
    const running = this.inFlight.get(key);
    if (running) {
      running.followers++;
      return copyOf(await running.execution, info.requestId);
    }
    // The gateway merges into what a fetch returns: once shared, nobody keeps the original.
    const entry = {
      execution: this.execute(info, query, variables, operationName).finally(() => this.inFlight.delete(key)),
      followers: 0,
    };
    this.inFlight.set(key, entry);
    const result = await entry.execution;
    return entry.followers ? copyOf(result, info.requestId) : result;
  }

  private async execute(
    info: GatewayContext,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): Promise<FetchResult> {
    if (!this.levers.cachedDocuments) return this.executeThroughServer(info, query, variables, operationName);
    const prepared = this.prepare(query);
    if (prepared.errors) return { errors: this.masked(prepared.errors.slice(0, 1), info) };
    const result = await execute({
      schema: this.schema,
      document: prepared.document!,
      variableValues: variables,
      operationName,
      contextValue: this.contextFor(info),
    });
    // Variables the subgraph cannot coerce (a 400 over HTTP) leave no data: keep the first error.
    const rejected = !("data" in result) || result.data === undefined;
    const errors = rejected ? result.errors?.slice(0, 1).map(asBadUserInput) : result.errors;
    return { data: result.data as FetchResult["data"], errors: errors && this.masked(errors, info) };
  }

  private prepare(query: string): PreparedDocument {
    let prepared = this.documents.get(query);
    if (prepared) return prepared;
    try {
      const document = parse(query);
      const errors = validate(this.schema, document);
      const isQuery = document.definitions.every(
        (d) => d.kind !== Kind.OPERATION_DEFINITION || d.operation === OperationTypeNode.QUERY,
      );
      prepared = errors.length
        ? { errors: errors.map((e) => coded(e, "GRAPHQL_VALIDATION_FAILED")), isQuery }
        : { document, isQuery };
    } catch (error) {
      prepared = { errors: [coded(error as GraphQLError, "GRAPHQL_PARSE_FAILED")], isQuery: false };
    }
    if (this.documents.size >= MAX_CACHED_DOCUMENTS) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, prepared);
    return prepared;
  }

  private masked(errors: readonly GraphQLError[], info: GatewayContext): GraphQLError[] {
    return maskErrors(errors, info.requestId).map(toGraphQLError);
  }

  private async executeThroughServer(
    info: GatewayContext,
    query: string,
    variables: Record<string, unknown>,
    operationName: string | undefined,
  ): Promise<FetchResult> {
    this.started ??= this.server.start();
    await this.started;
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

/** The distinct representations of one entity fetch, and where each original one went. */
function distinctRepresentations(representations: unknown[]): { unique: unknown[]; indexOf: number[] } {
  const positions = new Map<string, number>();
  const unique: unknown[] = [];
  const indexOf = representations.map((representation) => {
    const key = JSON.stringify(representation);
    let position = positions.get(key);
    if (position === undefined) {
      position = unique.push(representation) - 1;
      positions.set(key, position);
    }
    return position;
  });
  return { unique, indexOf };
}

/** Expands the answer for distinct representations back to one entity (and its errors) per original. */
function fanOut(result: FetchResult, indexOf: number[]): FetchResult {
  const entities = result.data?._entities;
  const data = Array.isArray(entities) ? { ...result.data, _entities: indexOf.map((i) => entities[i]) } : result.data;
  const errors = result.errors?.flatMap((error) => {
    const [root, position, ...rest] = error.path ?? [];
    if (root !== "_entities" || typeof position !== "number") return [error];
    return indexOf.flatMap((i, original) =>
      i === position
        ? [new GraphQLError(error.message, { path: [root, original, ...rest], extensions: error.extensions })]
        : [],
    );
  });
  return { data, errors };
}

/** A caller's own copy of a shared result; its errors quote the caller's request id, not the first caller's. */
function copyOf(result: FetchResult, requestId: string): FetchResult {
  const errors = result.errors?.map((error) =>
    error.extensions?.requestId === undefined
      ? error
      : new GraphQLError(error.message, { path: error.path, extensions: { ...error.extensions, requestId } }),
  );
  return { data: copyJson(result.data), ...(errors && { errors }) };
}

/**
 * A deep copy of an execution result's data (cheaper than structuredClone): objects and arrays are
 * copied; a scalar's serialised value that is an object of its own (the DateTime scalar's Date) is
 * a leaf the gateway never merges into, and is shared.
 */
function copyJson<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(copyJson) as T;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== null && prototype !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const key in value) copy[key] = copyJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** As Apollo Server codes a document it cannot parse or validate, whatever code the error carried. */
function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code } });
}

/** Apollo Server answers variables it cannot coerce with BAD_USER_INPUT; so does the direct path. */
function asBadUserInput(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, { path: error.path, extensions: { code: "BAD_USER_INPUT" } });
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
