import { isUuid, listLoaderByKey, loaderById, loaderByKey, type Money } from "@erp/core";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { toInvoice } from "./invoice.js";
import { showMoney, toJournalEntry } from "./journal.js";
import { createPayableLoaders } from "./payables-loaders.js";
import { type Payment, toPayment } from "./payment.js";
import { customerBalances } from "./queries.js";

type Db = Kysely<FinanceDatabase>;

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createFinanceLoaders(db: Db) {
  return {
    ...createPayableLoaders(db),
    account: loaderById((ids) => db.selectFrom("finance.accounts").selectAll().where("id", "in", ids).execute()),
    /** Accounts by code, as reconciliation alerts name them (e.g. 1100). */
    accountByCode: loaderByKey(
      (codes) => db.selectFrom("finance.accounts").selectAll().where("code", "in", codes).execute(),
      (account) => account.code,
    ),
    payment: loaderById(async (ids) =>
      (await db.selectFrom("finance.payments").selectAll().where("id", "in", ids).execute()).map(toPayment),
    ),
    entry: loaderById(async (ids) =>
      (await db.selectFrom("finance.journal_entries").selectAll().where("id", "in", ids).execute()).map(toJournalEntry),
    ),
    reversalOf: listLoaderByKey(
      (ids) => db.selectFrom("finance.journal_entries").selectAll().where("reverses_id", "in", ids).execute(),
      (r) => r.reverses_id,
      toJournalEntry,
    ),
    entriesOfSource: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("finance.journal_entries")
          .selectAll()
          .where("source_id", "in", ids)
          .where("reverses_id", "is", null)
          .execute(),
      (r) => r.source_id,
      toJournalEntry,
    ),
    linesOfEntry: listLoaderByKey(
      (ids) => db.selectFrom("finance.journal_lines").selectAll().where("entry_id", "in", ids).orderBy("id").execute(),
      (r) => r.entry_id,
      (r) => ({
        accountId: r.account_id,
        debit: showMoney(r.debit, r.currency),
        credit: showMoney(r.credit, r.currency),
      }),
    ),
    invoice: loaderById(async (ids) =>
      (await db.selectFrom("finance.invoices").selectAll().where("id", "in", ids).execute()).map(toInvoice),
    ),
    /** Balance per customer, keyed "<customer id>:<currency>"; one statement per currency asked for. */
    customerBalance: new DataLoader<string, Money>(async (keys) => {
      const byCurrency = new Map<string, string[]>();
      for (const key of keys) {
        const [id, currency] = key.split(":") as [string, string];
        if (isUuid(id)) byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), id]);
      }
      const balances = new Map<string, Money>();
      for (const [currency, ids] of byCurrency)
        for (const [id, balance] of await customerBalances(db, ids, currency))
          balances.set(`${id}:${currency}`, balance);
      return keys.map((k) => balances.get(k) ?? showMoney("0", k.split(":")[1]!));
    }),
    invoicesOfOrder: listLoaderByKey(
      (ids) =>
        db.selectFrom("finance.invoices").selectAll().where("sales_order_id", "in", ids).orderBy("seq").execute(),
      (r) => r.sales_order_id,
      toInvoice,
    ),
    openInvoicesOfCustomer: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("finance.invoices")
          .selectAll()
          .where("customer_id", "in", ids)
          .where("status", "in", ["ISSUED", "PARTIALLY_PAID"])
          .orderBy("due_on")
          .orderBy("seq")
          .execute(),
      (r) => r.customer_id,
      toInvoice,
    ),
    paymentsOfCustomer: listLoaderByKey(
      (ids) =>
        db.selectFrom("finance.payments").selectAll().where("customer_id", "in", ids).orderBy("seq", "desc").execute(),
      (r) => r.customer_id,
      toPayment,
    ),
    refundsOfPayment: listLoaderByKey(
      (ids) => db.selectFrom("finance.refunds").selectAll().where("payment_id", "in", ids).execute(),
      (r) => r.payment_id,
      (r) => r,
    ),
    linesOfInvoice: listLoaderByKey(
      (ids) =>
        db
          .selectFrom("finance.invoice_lines")
          .selectAll()
          .where("invoice_id", "in", ids)
          .orderBy("line_number")
          .execute(),
      (r) => r.invoice_id,
      (r) => r,
    ),
    allocationsOfPayment: listLoaderByKey(
      (ids) =>
        db.selectFrom("finance.allocations").selectAll().where("payment_id", "in", ids).orderBy("created_at").execute(),
      (r) => r.payment_id,
      (r) => r,
    ),
  };
}

export type FinanceLoaders = ReturnType<typeof createFinanceLoaders>;
export type { Payment };
