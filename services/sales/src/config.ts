import { type DateWindow, defineSettings, type Setting, setting } from "@erp/core";
import { z } from "zod";

/** A pending confirmation's bound, in seconds: 10 s to a day (a longer wait is a stuck saga, not a slow one). */
const confirmationTimeout: Setting<number> = {
  variable: "SALES_CONFIRMATION_TIMEOUT_SECONDS",
  fallback: "300",
  expected: "a whole number of seconds from 10 to 86400",
  schema: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .refine((n) => n >= 10 && n <= 86_400),
};

/** Sales' settings, read from the environment; the subgraph checks them when it is built. */
export const salesSettings = defineSettings({
  defaultTaxRate: setting.percentage("DEFAULT_TAX_RATE", "19", 2),
  quoteValidityHorizonDays: setting.days("QUOTE_VALIDITY_HORIZON_DAYS", 366),
  confirmationTimeoutSeconds: confirmationTimeout,
  // Backpressure: new confirmations wait while this many orders have waited longer than this
  // (0: while this many are waiting at all, a bound on the saga's work in flight).
  confirmationBacklogSeconds: setting.count("SALES_CONFIRMATION_BACKLOG_SECONDS", 2, 0, 3_600),
  confirmationBacklogOrders: setting.count("SALES_CONFIRMATION_BACKLOG_ORDERS", 50, 1, 1_000_000),
});

/** When confirmSalesOrder answers CONFIRMATION_BACKLOG: `orders` confirmations late by more than `seconds`. */
export const confirmationBacklog = (): { seconds: number; orders: number } => ({
  seconds: salesSettings().confirmationBacklogSeconds,
  orders: salesSettings().confirmationBacklogOrders,
});

/** How long an order may wait in PENDING_CONFIRMATION before it is REJECTED with CONFIRMATION_TIMEOUT. */
export const confirmationTimeoutSeconds = (): number => salesSettings().confirmationTimeoutSeconds;

/** Tax rate applied when a line gives none, in percent. */
export const defaultTaxRate = (): string => salesSettings().defaultTaxRate;

/** A quote's validity date: today to a year and a day ahead; an offer open longer is a typo. */
export const quoteValidityWindow = (): DateWindow => ({
  pastDays: 0,
  futureDays: salesSettings().quoteValidityHorizonDays,
});
