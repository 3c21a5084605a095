import type { GraphQLDataSource } from "@apollo/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BatchSpanProcessor, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import type { GatewayContext } from "./data-sources.js";

/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: a span per GraphQL request
 * (with the request id), per subgraph fetch (its trace context sent on to split subgraphs as
 * `traceparent`), and per SQL statement of in-process subgraphs. Without a provider every span
 * below is the API's no-op, so the hooks cost next to nothing.
 */
const tracer = trace.getTracer("erp-gateway");

/** Registers the tracer provider; `processor` replaces the OTLP exporter (tests use an in-memory one). */
export function startTracing(
  endpoint: string | undefined,
  processor?: SpanProcessor,
): (() => Promise<void>) | undefined {
  if (!endpoint && !processor) return undefined;
  const exporter =
    processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint!.replace(/\/$/, "")}/v1/traces` }));
  const provider = new NodeTracerProvider({ spanProcessors: [exporter] });
  provider.register(); // AsyncLocalStorage context and the W3C trace-context propagator
  return async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  };
}

/** The request span of each GraphQL request, found again by the subgraph fetches it makes. */
const requestSpans = new WeakMap<object, Span>();

export function tracingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      const span = tracer.startSpan("graphql request", {
        kind: SpanKind.SERVER,
        attributes: {
          "erp.request_id": contextValue.requestId,
          ...(request.operationName && { "graphql.operation.name": request.operationName }),
        },
      });
      requestSpans.set(contextValue, span);
      return {
        async didResolveOperation({ operationName }) {
          if (operationName) span.setAttribute("graphql.operation.name", operationName);
        },
        async willSendResponse({ errors }) {
          if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
          span.end();
        },
      };
    },
  };
}

/** A span around each fetch from a subgraph, child of its request's span, its context carried in the headers. */
export function traced<S extends GraphQLDataSource>(subgraph: string, source: S): S {
  const process = source.process.bind(source);
  source.process = async (options) => {
    const parent = "context" in options && options.context ? requestSpans.get(options.context) : undefined;
    const parentContext = parent ? trace.setSpan(context.active(), parent) : context.active();
    const span = tracer.startSpan(
      `subgraph ${subgraph}`,
      { kind: SpanKind.CLIENT, attributes: { "erp.subgraph": subgraph } },
      parentContext,
    );
    const active = trace.setSpan(parentContext, span);
    const headers = options.request.http?.headers;
    if (headers) propagation.inject(active, headers, { set: (carrier, key, value) => carrier.set(key, value) });
    try {
      return await context.with(active, () => process(options));
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  };
  return source;
}

/** A span per SQL statement (kysely), child of whatever span is active (the subgraph fetch). */
export class SqlTracingPlugin implements KyselyPlugin {
  private readonly spans = new WeakMap<object, Span>();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const kind = args.node.kind.replace(/QueryNode$/, "").toLowerCase();
    this.spans.set(
      args.queryId,
      tracer.startSpan(`sql ${kind}`, {
        kind: SpanKind.CLIENT,
        attributes: { "db.system": "postgresql", "db.operation": kind },
      }),
    );
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    const span = this.spans.get(args.queryId);
    span?.setAttribute("db.rows", args.result.rows.length);
    span?.end();
    return args.result;
  }
}
