import { type ActionScope, logger, runBusinessAction, SYSTEM_PRINCIPAL } from "@erp/core";
import type { Kysely } from "kysely";
import type { FinanceDatabase } from "./db.js";

/** Runs a business action as the system (a scheduled job), idempotent by a key derived from its date. */
export async function runAsSystem<P extends object>(
  db: Kysely<FinanceDatabase>,
  operation: string,
  key: string,
  work: (scope: ActionScope<FinanceDatabase>) => Promise<P>,
) {
  const principal = { ...SYSTEM_PRINCIPAL, subject: `job:${operation}` };
  const result = await runBusinessAction(
    { db, principal, requestId: key, log: logger, domain: "finance" },
    { operation, scope: "finance:write", input: { idempotencyKey: key } },
    work,
  );
  if (result.errors.length) logger.error({ errors: result.errors, operation }, "scheduled finance action refused");
  return result;
}
