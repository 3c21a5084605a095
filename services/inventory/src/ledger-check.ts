import { LedgerChecked, ValuationReported } from "@erp/contracts";
import { type ActionScope, type Clock, runScheduledAction } from "@erp/core";
import type { Kysely } from "kysely";
import type { InventoryDatabase } from "./db.js";
import { stockLedgerDiscrepancies, stockValuation } from "./queries.js";

/**
 * Checks, for every stock level, that on hand equals the sum of its movements' quantities and
 * the stock value the sum of their values, and publishes the result with the valuation, so
 * finance's reconciliation can raise alerts from what inventory exposes, without reading
 * inventory's tables. A level whose value alone drifted is listed too (its quantities agree).
 */
export async function checkStockLedger(scope: ActionScope<InventoryDatabase>) {
  const found = await stockLedgerDiscrepancies(scope.trx);
  const checkedAt = scope.now().toISOString();
  const discrepancies = found.map(({ productId, warehouseId, onHand, ledgerQuantity }) => ({
    productId,
    warehouseId,
    onHand,
    ledgerQuantity,
  }));
  await scope.emit(LedgerChecked, "stock-ledger", { checkedAt, discrepancies });
  const valuations = await reportValuation(scope);
  return { checkedAt, discrepancies: found, valuations };
}

/**
 * Publishes inventory.valuation.reported: per currency, the value of stock held (the sum of
 * the exact movement values) and how many valued movements it counts, for finance to compare
 * with its inventory account once it has posted as many. The ledger check runs it hourly.
 */
export async function reportValuation(scope: ActionScope<InventoryDatabase>) {
  const valuations = await stockValuation(scope.trx);
  await scope.emit(ValuationReported, "stock-valuation", { reportedAt: scope.now().toISOString(), valuations });
  return valuations;
}

/** The hourly job: the same check as the system. */
export async function scheduledLedgerCheck(db: Kysely<InventoryDatabase>, clock: Clock): Promise<void> {
  const key = `ledger-check-${clock.now().toISOString().slice(0, 13)}`;
  await runScheduledAction(db, "inventory", "checkStockLedger", key, (s) => checkStockLedger(s), clock);
}
