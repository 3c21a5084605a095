import type { ApolloServerPlugin } from "@apollo/server";
import { DEFAULT_PAGE_SIZE, EdgeErrorCode, MAX_PAGE_SIZE } from "@erp/core";
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
} from "graphql";
import { type ComplexityEstimatorArgs, getComplexity } from "graphql-query-complexity";

export interface CostOptions {
  maxQueryCost: number;
  /** Items assumed for a list the schema does not paginate (Product.stockLevels, Customer.contacts). */
  unpaginatedListSize: number;
}

/**
 * How many items a field may return: `first`/`last` (or its default), capped at the kernel's
 * page size; a list without pagination at the documented cap; a connection's own `nodes`/`edges`
 * at 1, since the connection field already counted its page; lists of scalars and enums at 1.
 */
export function listSize(
  parent: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
  options: CostOptions,
): number {
  const page = args.first ?? args.last;
  if (typeof page === "number") return Math.min(Math.max(page, 0), MAX_PAGE_SIZE);
  // A connection asked for without first or last answers the kernel's default page.
  if (field.args.some((a) => a.name === "first" || a.name === "last")) return DEFAULT_PAGE_SIZE;
  const type = getNullableType(field.type);
  if (!isListType(type)) return 1;
  if (parent.endsWith("Connection") || isLeafType(getNamedType(type))) return 1;
  return options.unpaginatedListSize;
}

/** Every field costs 1; what is under a list costs once per item, so nesting multiplies. */
export function costEstimator(options: CostOptions) {
  return ({ type, field, args, childComplexity }: ComplexityEstimatorArgs): number => {
    if (field.name.startsWith("__")) return 0; // introspection: bounded by depth, off in production
    return 1 + listSize(type.name, field, args, options) * childComplexity;
  };
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  options: CostOptions,
  variables?: Record<string, unknown>,
  operationName?: string,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    ...(operationName ? { operationName } : {}),
    estimators: [costEstimator(options)],
  });
}

/** What happens to an operation the cost limit let through, given its estimated cost (the rate limit). */
export type ChargeCost = (contextValue: object, cost: number) => Promise<void>;

/**
 * Refuses, before anything runs, a query whose estimated cost is above the limit, then hands the
 * cost on (`charge`): one hook, so the rate limit always sees the estimate, whatever Apollo's order.
 */
export function costLimitPlugin(options: CostOptions, charge: ChargeCost): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, request, operationName, contextValue }) {
          let cost: number;
          try {
            cost = estimateCost(schema, document, options, request.variables, operationName ?? undefined);
          } catch (error) {
            // Too many fields to even count is too costly; bad variables are execution's to report.
            if (String((error as Error).message).includes("maximum allowed number of nodes"))
              throw tooCostly(Infinity, options);
            return charge(contextValue, 0);
          }
          if (cost > options.maxQueryCost) throw tooCostly(cost, options);
          await charge(contextValue, cost);
        },
      };
    },
  };
}

function tooCostly(cost: number, options: CostOptions): GraphQLError {
  const estimate = Number.isFinite(cost) ? `is estimated to cost ${cost}` : "has too many fields to estimate";
  return new GraphQLError(
    `This query ${estimate}, above the limit of ${options.maxQueryCost}: ask for smaller pages (first) or fewer nested lists`,
    {
      extensions: {
        code: EdgeErrorCode.QUERY_TOO_COSTLY,
        cost: Number.isFinite(cost) ? cost : null,
        maxCost: options.maxQueryCost,
        http: { status: 400 },
      },
    },
  );
}
