import { defineSettings, setting } from "@erp/core";

/** Inventory's settings, read from the environment; the subgraph checks them when it is built. */
export const inventorySettings = defineSettings({
  valuationCurrency: setting.currency("VALUATION_CURRENCY", "EUR"),
  adjustmentApprovalThreshold: setting.amount("STOCK_ADJUSTMENT_APPROVAL_THRESHOLD", "1000.00"),
});

/** Stock is valued in one currency, the organisation's. */
export const valuationCurrency = (): string => inventorySettings().valuationCurrency;

/** Adjustments worth more than this (valuation currency) wait for a second person's approval. */
export const adjustmentApprovalThreshold = (): string => inventorySettings().adjustmentApprovalThreshold;
