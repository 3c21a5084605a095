import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import { isClientSafe, isConnectionLost, maskFormattedError, SERVICE_UNAVAILABLE } from "./errors.js";
import { logger } from "./logger.js";

interface MaskingContext {
  requestId: string;
  log?: Logger;
}

/** Logs an error that will reach the client masked, with everything support needs. */
export function logUnexpected(error: GraphQLError, requestId: string, log: Logger = logger): void {
  if (isClientSafe(error.extensions?.code)) return;
  const cause = error.originalError ?? error;
  log.error({ err: cause, requestId, path: error.path }, "unexpected error while resolving %s", error.path?.join("."));
}

const CONNECTION_LOST_MESSAGE =
  "The service lost its database connection: send the request again (with the same idempotency key)";

/** A lost database connection is the client's to retry: SERVICE_UNAVAILABLE, retryable, no detail. */
function markConnectionLoss(error: GraphQLError, log: Logger = logger): void {
  if (!isConnectionLost(error.originalError)) return;
  log.warn({ err: error.originalError, path: error.path }, "database connection lost during a request");
  Object.assign(error.extensions, { code: SERVICE_UNAVAILABLE, retryable: true });
  // The driver's words ("Connection terminated unexpectedly") are no business of the client's.
  Object.defineProperty(error, "message", { value: CONNECTION_LOST_MESSAGE });
}

/**
 * Applies the one masking rule to every response of a server (gateway or subgraph),
 * so a client sees the same code and message whichever process ran the resolver.
 */
export function errorMaskingPlugin<C extends MaskingContext>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            markConnectionLoss(error, contextValue?.log);
            logUnexpected(error, contextValue?.requestId ?? "unknown", contextValue?.log);
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          const errors: GraphQLFormattedError[] = response.body.singleResult.errors.map((e) =>
            maskFormattedError(e, contextValue?.requestId),
          );
          response.body.singleResult.errors = errors;
        },
      };
    },
  };
}

/**
 * The same rule without Apollo Server's pipeline: logs what is unexpected and masks it, for a
 * subgraph operation the gateway executes directly in its own process.
 */
export function maskErrors(
  errors: readonly GraphQLError[],
  requestId: string,
  log: Logger = logger,
): GraphQLFormattedError[] {
  return errors.map((error) => {
    markConnectionLoss(error, log);
    logUnexpected(error, requestId, log);
    return maskFormattedError(error.toJSON(), requestId);
  });
}
