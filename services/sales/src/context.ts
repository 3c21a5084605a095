import { type DateWindow, daysSetting, type SubgraphContext } from "@erp/core";
import type { SalesDatabase } from "./db.js";
import type { SalesLoaders } from "./loaders.js";

/** What every sales resolver receives, in-process or in its own server. */
export type SalesContext = SubgraphContext<SalesDatabase, SalesLoaders> & { domain: string };

/** Tax rate applied when a line gives none, in percent. */
export const defaultTaxRate = (): string => process.env.DEFAULT_TAX_RATE ?? "19";

/** A quote's validity date: today to a year and a day ahead; an offer open longer is a typo. */
export const quoteValidityWindow = (): DateWindow => ({
  pastDays: 0,
  futureDays: daysSetting("QUOTE_VALIDITY_HORIZON_DAYS", 366),
});
