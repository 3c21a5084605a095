import { type DateWindow, defineSettings, setting } from "@erp/core";

/** Procurement's settings, read from the environment; the subgraph checks them when it is built. */
export const procurementSettings = defineSettings({
  /** At or below it (in approvalCurrency), submitting a purchase order approves it. */
  approvalThreshold: setting.amount("PROCUREMENT_APPROVAL_THRESHOLD", "1000.00"),
  /** Above it, two different approvers are needed. */
  dualApprovalThreshold: setting.amount("PROCUREMENT_DUAL_APPROVAL_THRESHOLD", "10000.00"),
  approvalCurrency: setting.currency("PROCUREMENT_APPROVAL_CURRENCY", "EUR"),
  /** How far above the ordered quantity a receipt may go, in percent of the line. */
  receiptTolerancePercent: setting.percentage("PROCUREMENT_RECEIPT_TOLERANCE_PERCENT", "0", 2),
  /** How far a billed unit price may differ from the PO price and still match, in percent. */
  priceTolerancePercent: setting.percentage("PROCUREMENT_PRICE_TOLERANCE_PERCENT", "2", 2),
  /** Inventory values stock in this one currency; stocked products are bought in it. */
  stockCurrency: setting.currency("VALUATION_CURRENCY", "EUR"),
});

/** Expected delivery dates: from a month back (a late order still gets drafted) to two years ahead. */
export const expectedDateWindow = (): DateWindow => ({ pastDays: 31, futureDays: 731 });
/** Receipt and bill dates: up to a year back, not in the future beyond a week (time zones, pre-dated paper). */
export const documentDateWindow = (): DateWindow => ({ pastDays: 366, futureDays: 7 });
/** Due dates: up to a year back, up to two years ahead. */
export const dueDateWindow = (): DateWindow => ({ pastDays: 366, futureDays: 731 });
/** Supplier price validity dates. */
export const priceValidityWindow = (): DateWindow => ({ pastDays: 3660, futureDays: 3660 });
