import { GraphQLError } from "graphql";
import type {
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { EdgeErrorCode } from "./errors.js";
import { currentRequestScope } from "./http-limits.js";

/** Stops work for a request that ran out of time or whose client left. */
export function throwIfCancelled(): void {
  const scope = currentRequestScope();
  if (!scope) return;
  // Busy work may never let the timer run: the deadline is also checked here.
  if (!scope.signal.aborted && Date.now() >= scope.deadline) scope.expire();
  if (scope.signal.aborted) {
    throw new GraphQLError("The request was cancelled: it ran out of time or its client went away", {
      extensions: { code: EdgeErrorCode.REQUEST_TIMEOUT },
    });
  }
}

/**
 * Refuses further SQL for a cancelled request, so a runaway query stops at its next statement
 * (a transaction in progress rolls back). Work outside a request (event bus, jobs) is untouched.
 */
export class CancellationPlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    throwIfCancelled();
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The same database, refusing further SQL for a cancelled request. */
export function withCancellation<DB>(db: Kysely<DB>): Kysely<DB> {
  return db.withPlugin(new CancellationPlugin());
}

/** fetch that follows the current request's signal: a cancelled request aborts its subgraph calls. */
export const abortableFetch: typeof fetch = (input, init) => {
  const signal = currentRequestScope()?.signal;
  return fetch(input, signal ? { ...init, signal } : init);
};
