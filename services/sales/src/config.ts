import { type DateWindow, defineSettings, setting } from "@erp/core";

/** Sales' settings, read from the environment; the subgraph checks them when it is built. */
export const salesSettings = defineSettings({
  defaultTaxRate: setting.percentage("DEFAULT_TAX_RATE", "19", 2),
  quoteValidityHorizonDays: setting.days("QUOTE_VALIDITY_HORIZON_DAYS", 366),
});

/** Tax rate applied when a line gives none, in percent. */
export const defaultTaxRate = (): string => salesSettings().defaultTaxRate;

/** A quote's validity date: today to a year and a day ahead; an offer open longer is a typo. */
export const quoteValidityWindow = (): DateWindow => ({
  pastDays: 0,
  futureDays: salesSettings().quoteValidityHorizonDays,
});
