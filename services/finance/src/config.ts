import { type DateWindow, defineSettings, nextLegalNumber, setting } from "@erp/core";
import type { Transaction } from "kysely";
import type { FinanceDatabase } from "./db.js";

/** Finance's settings, read from the environment; the subgraph checks them when it is built. */
export const financeSettings = defineSettings({
  paymentTermDays: setting.days("PAYMENT_TERM_DAYS", 30),
  accountingPastDays: setting.days("ACCOUNTING_DATE_PAST_DAYS", 366),
  accountingFutureDays: setting.days("ACCOUNTING_DATE_FUTURE_DAYS", 31),
  invoiceDueHorizonDays: setting.days("INVOICE_DUE_HORIZON_DAYS", 366),
  lateInterestRate: setting.percentage("LATE_INTEREST_ANNUAL_RATE", "12", 4),
  dualApprovalLimit: setting.amount("CREDIT_DUAL_APPROVAL_LIMIT", "50000"),
  invoicePrefix: setting.prefix("INVOICE_NUMBER_PREFIX", "INV"),
  creditNotePrefix: setting.prefix("CREDIT_NOTE_NUMBER_PREFIX", "CN"),
  journalEntryPrefix: setting.prefix("JOURNAL_ENTRY_NUMBER_PREFIX", "JE"),
});

/** The gapless series finance numbers its legal documents in, one counter per series and year. */
export type LegalDocument = "invoice" | "credit_note" | "journal_entry";

/** The next gapless number of a legal document dated `date` (its year picks the counter), e.g. `INV-2026-000001`. */
export function nextLegalDocumentNumber(
  trx: Transaction<FinanceDatabase>,
  document: LegalDocument,
  date: string,
): Promise<string> {
  const settings = financeSettings();
  const prefix = {
    invoice: settings.invoicePrefix,
    credit_note: settings.creditNotePrefix,
    journal_entry: settings.journalEntryPrefix,
  }[document];
  return nextLegalNumber(trx, "finance.document_counters", {
    series: document,
    year: Number(date.slice(0, 4)),
    prefix,
  });
}

/** Days between issuing an invoice and its due date. */
export const paymentTermDays = (): number => financeSettings().paymentTermDays;

/** Late interest, percent per year, where the customer's credit line names no rate of its own. */
export const lateInterestRate = (): string => financeSettings().lateInterestRate;

/** Above this limit (in the credit line's currency) a credit line needs two different approvers. */
export const dualApprovalLimit = (): string => financeSettings().dualApprovalLimit;

/**
 * How far from today an accounting date (journal entry, payment, interest run) may lie. A year and
 * a day back lets last year's books be completed before closing; a month ahead allows entries
 * prepared for the next period. Anything beyond is a typo (9999, 1900) that would corrupt reports.
 */
export const accountingDateWindow = (): DateWindow => ({
  pastDays: financeSettings().accountingPastDays,
  futureDays: financeSettings().accountingFutureDays,
});

/** Latest due date of an invoice, in days after its issue date (a year and a day). */
export const invoiceDueHorizonDays = (): number => financeSettings().invoiceDueHorizonDays;

/** Payments are received, not planned: at most a day ahead (the payer's time zone), never a month. */
export const paymentDateWindow = (): DateWindow => ({
  pastDays: accountingDateWindow().pastDays,
  futureDays: Math.min(1, accountingDateWindow().futureDays),
});

/** Interest is never accrued for a day that has not begun. */
export const interestDateWindow = (): DateWindow => ({ pastDays: accountingDateWindow().pastDays, futureDays: 0 });

/** A due date: on or after the issue date (today) and within the horizon. */
export const dueDateWindow = (): DateWindow => ({ pastDays: 0, futureDays: invoiceDueHorizonDays() });
