import DataLoader from "dataloader";
import { type Kysely, sql, type Transaction } from "kysely";
import { runBusinessAction } from "./action.js";
import { type Clock, systemClock } from "./clock.js";
import { SYSTEM_PRINCIPAL } from "./context.js";
import { logger } from "./logger.js";
import { isUuid } from "./validation.js";

/** The next human-readable document number from a sequence, e.g. `SO-000042`. */
export async function nextDocumentNumber<DB>(trx: Transaction<DB>, sequence: string, prefix: string): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval(${sequence}::regclass)::text as n`.execute(trx);
  return `${prefix}-${rows[0]!.n.padStart(6, "0")}`;
}

/** A per-request loader by id: one query per batch; malformed ids resolve to null without reaching SQL. */
export function loaderById<T extends { id: string }>(
  fetch: (ids: string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const valid = ids.filter(isUuid);
    const found = new Map((valid.length ? await fetch(valid) : []).map((item) => [item.id, item]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

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
