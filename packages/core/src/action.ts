import type { EventContract, EventPayloadInput } from "@erp/contracts";
import type { Transaction } from "kysely";
import { auditActorOf, recordAudit } from "./audit.js";
import { type Clock, clockDay, systemClock, withBusinessClock } from "./clock.js";
import type { Principal, SubgraphContext } from "./context.js";
import { type BusinessError, BusinessRuleViolation, businessError, KernelErrorCode } from "./errors.js";
import { committed } from "./events/registry.js";
import { claimIdempotencyKey, requestHash, storeIdempotentPayload } from "./idempotency.js";
import { recordEvent } from "./outbox.js";
import { isUniqueViolation, violatedConstraint } from "./sql.js";

/** One business action as a resolver asks for it. */
export interface ActionRequest {
  /** The mutation's name, e.g. "registerCustomer". */
  operation: string;
  /** The whole mutation input; its idempotencyKey names the action for retries. */
  input: { idempotencyKey: string } & Record<string, unknown>;
  /** Unique constraints whose violation is an expected business error, by constraint name. */
  uniqueViolations?: Record<string, BusinessError>;
}

/** What a business transaction can do besides writing its own rows. */
export interface ActionScope<DB> {
  trx: Transaction<DB>;
  actor: Principal;
  requestId: string;
  /** The instant by the business clock (the system's, or the one a test set). */
  now(): Date;
  /** Today (UTC) by the business clock, YYYY-MM-DD: the date business rules decide with. */
  today(): string;
  /** Writes the audit record of this action for one aggregate. */
  audit(aggregateType: string, aggregateId: string, details?: Record<string, unknown>): Promise<void>;
  /**
   * Writes an event to the outbox in this transaction: one of this domain's own contracts,
   * about the contract's aggregate with this id, with the payload the contract declares.
   */
  emit<C extends EventContract>(contract: C, aggregateId: string, payload: EventPayloadInput<C>): Promise<void>;
}

/** A mutation payload: the result's fields, or nulls and the business errors. */
export type ActionPayload<P> = { [K in keyof P]?: P[K] | null } & { errors: BusinessError[] };

type DomainContext<DB> = Pick<SubgraphContext<DB, unknown>, "db" | "principal" | "requestId" | "log"> & {
  domain: string;
  /** The system clock when absent. */
  clock?: Clock;
};

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a business action end to end: scope check → one transaction → idempotency
 * claim → the work → audit and outbox → stored payload → commit. A business rule
 * violation rolls everything back and returns the errors as data.
 */
export async function runBusinessAction<DB, P extends object>(
  ctx: DomainContext<DB>,
  request: ActionRequest,
  work: (scope: ActionScope<DB>) => Promise<P>,
): Promise<ActionPayload<P>> {
  const refused = precheck(ctx.principal, request);
  if (refused) return failed<P>([refused]);
  try {
    const payload = await withBusinessClock(ctx.clock ?? systemClock, () =>
      ctx.db.transaction().execute((trx) => transact(ctx, request, trx, work)),
    );
    committed(ctx.db, ctx.domain);
    return payload;
  } catch (error) {
    if (error instanceof BusinessRuleViolation) return failed<P>(error.errors);
    const expected = expectedUniqueViolation(error, request.uniqueViolations);
    if (expected) return failed<P>([expected]);
    throw error;
  }
}

/** A payload of errors only: every result field resolves to null. */
export function failed<P>(errors: BusinessError[]): ActionPayload<P> {
  return { errors } as ActionPayload<P>;
}

/** The scope itself is declared on the mutation in SDL and enforced before any resolver runs. */
function precheck(principal: Principal, request: ActionRequest): BusinessError | undefined {
  if (principal.kind === "anonymous")
    return businessError(KernelErrorCode.FORBIDDEN, `${request.operation} needs a signed-in caller`);
  if (!KEY_PATTERN.test(request.input.idempotencyKey))
    return businessError(
      KernelErrorCode.VALIDATION_FAILED,
      "idempotencyKey must be 1 to 200 printable characters without spaces",
      "idempotencyKey",
    );
  return undefined;
}

async function transact<DB, P extends object>(
  ctx: DomainContext<DB>,
  request: ActionRequest,
  trx: Transaction<DB>,
  work: (scope: ActionScope<DB>) => Promise<P>,
): Promise<ActionPayload<P>> {
  const key = request.input.idempotencyKey;
  const claim = await claimIdempotencyKey(trx, ctx.domain, {
    key,
    operation: request.operation,
    requestHash: requestHash(request.operation, request.input),
    principal: ctx.principal.subject,
  });
  if (claim.kind === "replay") return claim.payload as ActionPayload<P>;
  if (claim.kind === "reused")
    throw new BusinessRuleViolation([
      businessError(
        KernelErrorCode.IDEMPOTENCY_KEY_REUSED,
        `This idempotency key was already used for a different ${claim.operation} request`,
        "idempotencyKey",
      ),
    ]);
  const result = await work(actionScope(ctx, request, trx));
  // Stored and returned in the same JSON form, so a replay is identical to the first answer.
  const payload = JSON.parse(JSON.stringify({ ...result, errors: [] })) as ActionPayload<P>;
  await storeIdempotentPayload(trx, ctx.domain, ctx.principal.subject, key, payload);
  return payload;
}

function actionScope<DB>(ctx: DomainContext<DB>, request: ActionRequest, trx: Transaction<DB>): ActionScope<DB> {
  const clock = ctx.clock ?? systemClock;
  return {
    trx,
    actor: ctx.principal,
    requestId: ctx.requestId,
    now: () => clock.now(),
    today: () => clockDay(clock),
    audit: (aggregateType, aggregateId, details = {}) =>
      recordAudit(trx, ctx.domain, {
        ...auditActorOf(ctx.principal),
        operation: request.operation,
        aggregateType,
        aggregateId,
        idempotencyKey: request.input.idempotencyKey,
        requestId: ctx.requestId,
        details,
      }),
    emit: async (contract, aggregateId, payload) => {
      await recordEvent(trx, ctx.domain, { contract, aggregateId, payload }, ctx.requestId);
    },
  };
}

function expectedUniqueViolation(error: unknown, map: Record<string, BusinessError> | undefined) {
  if (!map || !isUniqueViolation(error)) return undefined;
  const constraint = violatedConstraint(error);
  return constraint ? map[constraint] : undefined;
}
