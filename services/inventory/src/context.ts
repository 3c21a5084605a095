import type { SubgraphContext } from "@erp/core";
import type { InventoryDatabase } from "./db.js";
import type { InventoryLoaders } from "./loaders.js";

/** What every inventory resolver receives, in-process or in its own server. */
export type InventoryContext = SubgraphContext<InventoryDatabase, InventoryLoaders> & { domain: string };

/** Stock is valued in one currency, the organisation's. */
export const valuationCurrency = (): string => process.env.VALUATION_CURRENCY ?? "EUR";

/** Adjustments worth more than this (valuation currency) wait for a second person's approval. */
export const adjustmentApprovalThreshold = (): string => process.env.STOCK_ADJUSTMENT_APPROVAL_THRESHOLD ?? "1000.00";
