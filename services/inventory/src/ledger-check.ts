import { LedgerChecked } from "@erp/contracts";
import { type ActionScope, type Clock, runScheduledAction } from "@erp/core";
import type { Kysely } from "kysely";
import type { InventoryDatabase } from "./db.js";
import { stockLedgerDiscrepancies } from "./queries.js";

/**
 * Checks that on hand equals the sum of movements for every stock level and publishes the
 * result, so finance's reconciliation can raise alerts from what inventory exposes, without
 * reading inventory's tables.
 */
export async function checkStockLedger(scope: ActionScope<InventoryDatabase>) {
  const discrepancies = await stockLedgerDiscrepancies(scope.trx);
  const checkedAt = scope.now().toISOString();
  await scope.emit(LedgerChecked, "stock-ledger", { checkedAt, discrepancies });
  return { checkedAt, discrepancies };
}

/** The hourly job: the same check as the system. */
export async function scheduledLedgerCheck(db: Kysely<InventoryDatabase>, clock: Clock): Promise<void> {
  const key = `ledger-check-${clock.now().toISOString().slice(0, 13)}`;
  await runScheduledAction(db, "inventory", "checkStockLedger", key, (s) => checkStockLedger(s), clock);
}
