import { type DateWindow, daysSetting, type SubgraphContext } from "@erp/core";
import type { FinanceDatabase } from "./db.js";
import type { FinanceLoaders } from "./loaders.js";

/** What every finance resolver receives, in-process or in its own server. */
export type FinanceContext = SubgraphContext<FinanceDatabase, FinanceLoaders> & { domain: string };

/** Days between issuing an invoice and its due date. */
export const paymentTermDays = (): number => Number(process.env.PAYMENT_TERM_DAYS ?? 30);

/**
 * How far from today an accounting date (journal entry, payment, interest run) may lie. A year and
 * a day back lets last year's books be completed before closing; a month ahead allows entries
 * prepared for the next period. Anything beyond is a typo (9999, 1900) that would corrupt reports.
 */
export const accountingDateWindow = (): DateWindow => ({
  pastDays: daysSetting("ACCOUNTING_DATE_PAST_DAYS", 366),
  futureDays: daysSetting("ACCOUNTING_DATE_FUTURE_DAYS", 31),
});

/** Latest due date of an invoice, in days after its issue date (a year and a day). */
export const invoiceDueHorizonDays = (): number => daysSetting("INVOICE_DUE_HORIZON_DAYS", 366);

/** Payments are received, not planned: at most a day ahead (the payer's time zone), never a month. */
export const paymentDateWindow = (): DateWindow => ({
  pastDays: accountingDateWindow().pastDays,
  futureDays: Math.min(1, accountingDateWindow().futureDays),
});

/** Interest is never accrued for a day that has not begun. */
export const interestDateWindow = (): DateWindow => ({ pastDays: accountingDateWindow().pastDays, futureDays: 0 });

/** A due date: on or after the issue date (today) and within the horizon. */
export const dueDateWindow = (): DateWindow => ({ pastDays: 0, futureDays: invoiceDueHorizonDays() });
