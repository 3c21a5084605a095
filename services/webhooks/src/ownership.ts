import type { Principal } from "@erp/core";
import type { SelectQueryBuilder } from "kysely";
import type { WebhooksDatabase } from "./db.js";

/** An administrator (or the system) sees and manages every subscription; anyone else only their own. */
export const seesAll = (principal: Principal): boolean =>
  principal.scopes.includes("*") || principal.roles.includes("admin");

/** Narrows a query over subscriptions (aliased or not) to what the principal may see. */
export function visibleTo<DB extends WebhooksDatabase, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  principal: Principal,
  column: "owner" | "s.owner" = "owner",
): SelectQueryBuilder<DB, TB, O> {
  // biome-ignore lint/suspicious/noExplicitAny: the column is the subscriptions' owner under either name
  return seesAll(principal) ? query : query.where(column as any, "=", principal.subject);
}
