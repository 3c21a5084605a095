import type { Kysely } from "kysely";
import { type ActionScope, runBusinessAction } from "./action.js";
import { auditActorOf, recordAudit } from "./audit.js";
import { type Clock, systemClock } from "./clock.js";
import { SYSTEM_PRINCIPAL } from "./context.js";
import { logger } from "./logger.js";

/**
 * Runs a business action on behalf of a scheduled job, as the system, idempotent by a key the
 * job derives from its slot (a date or an hour), so a rerun of the same slot changes nothing.
 */
export async function runScheduledAction<DB, P extends object>(
  db: Kysely<DB>,
  domain: string,
  operation: string,
  key: string,
  work: Parameters<typeof runBusinessAction<DB, P>>[2],
  clock: Clock = systemClock,
) {
  const principal = { ...SYSTEM_PRINCIPAL, subject: `job:${operation}` };
  const context = { db, principal, requestId: key, log: logger, domain, clock };
  const result = await runBusinessAction(context, { operation, input: { idempotencyKey: key } }, work);
  if (result.errors.length) logger.error({ errors: result.errors, operation }, "scheduled action refused");
  return result;
}

/** What maintenance work may do: write its own rows and audit them, as the system. */
export type MaintenanceScope<DB> = Pick<ActionScope<DB>, "trx" | "actor" | "requestId" | "audit">;

/** Names the maintenance work in its audit records. */
export interface MaintenanceRequest {
  domain: string;
  /** E.g. "ensureDevelopmentKey"; recorded as the audit records' operation. */
  operation: string;
  /** E.g. "gateway-start": where the work came from. */
  requestId: string;
}

/**
 * Runs an operator's or the platform's own maintenance (e.g. at start-up) in one transaction,
 * auditing as the system. It is not a caller's request, so there is no idempotency key to
 * replay by, and it emits no events: work that other domains must hear of is a business action.
 */
export async function runMaintenance<DB, T>(
  db: Kysely<DB>,
  request: MaintenanceRequest,
  work: (scope: MaintenanceScope<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute((trx) =>
    work({
      trx,
      actor: SYSTEM_PRINCIPAL,
      requestId: request.requestId,
      audit: (aggregateType, aggregateId, details = {}) =>
        recordAudit(trx, request.domain, {
          ...auditActorOf(SYSTEM_PRINCIPAL),
          operation: request.operation,
          aggregateType,
          aggregateId,
          idempotencyKey: null,
          requestId: request.requestId,
          details,
        }),
    }),
  );
}
