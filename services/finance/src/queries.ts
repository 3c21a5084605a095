import {
  assertQueryDate,
  atLeast,
  atMost,
  type Connection,
  contains,
  Dec,
  defineKeyset,
  equals,
  keysetPage,
  type Money,
  narrow,
  oneOf,
  type PageArgs,
  sql,
} from "@erp/core";
import type { Kysely } from "kysely";
import type { FinanceDatabase, InvoiceStatus } from "./db.js";
import { type Invoice, toInvoice } from "./invoice.js";
import { type JournalEntry, showMoney, toJournalEntry } from "./journal.js";

type Db = Kysely<FinanceDatabase>;

export interface TrialBalanceRow {
  accountId: string;
  debit: Money;
  credit: Money;
  balance: Money;
}

export interface TrialBalance {
  asOf: string;
  rows: TrialBalanceRow[];
  totals: { debit: Money; credit: Money }[];
}

/** Sums per account and currency of every entry dated up to `asOf`; debits equal credits per currency. */
export async function trialBalance(db: Db, asOf: string): Promise<TrialBalance> {
  assertQueryDate(asOf, "asOf");
  const { rows } = await sql<{ account_id: string; currency: string; debit: string; credit: string }>`
    select l.account_id, l.currency, sum(l.debit) as debit, sum(l.credit) as credit
    from finance.journal_lines l
    join finance.journal_entries e on e.id = l.entry_id
    join finance.accounts a on a.id = l.account_id
    where e.entry_date <= ${asOf}
    group by l.account_id, a.code, l.currency
    order by a.code, l.currency`.execute(db);
  const totals = new Map<string, { debit: InstanceType<typeof Dec>; credit: InstanceType<typeof Dec> }>();
  for (const r of rows) {
    const t = totals.get(r.currency) ?? { debit: new Dec(0), credit: new Dec(0) };
    totals.set(r.currency, { debit: t.debit.plus(r.debit), credit: t.credit.plus(r.credit) });
  }
  return {
    asOf,
    rows: rows.map((r) => ({
      accountId: r.account_id,
      debit: showMoney(r.debit, r.currency),
      credit: showMoney(r.credit, r.currency),
      balance: showMoney(new Dec(r.debit).minus(r.credit), r.currency),
    })),
    totals: [...totals].map(([currency, t]) => ({
      debit: showMoney(t.debit, currency),
      credit: showMoney(t.credit, currency),
    })),
  };
}

export async function accountBalance(db: Db, accountId: string, currency: string, asOf: string): Promise<Money> {
  assertQueryDate(asOf, "asOf");
  const { rows } = await sql<{ balance: string | null }>`
    select sum(l.debit) - sum(l.credit) as balance
    from finance.journal_lines l join finance.journal_entries e on e.id = l.entry_id
    where l.account_id = ${accountId} and l.currency = ${currency} and e.entry_date <= ${asOf}`.execute(db);
  return showMoney(rows[0]?.balance ?? "0", currency);
}

const journalOrder = defineKeyset(
  "JournalEntry",
  { CREATED: "seq", NUMBER: "number", ENTRY_DATE: "entry_date" },
  "CREATED DESC",
);
const invoiceOrder = defineKeyset(
  "Invoice",
  { CREATED: "seq", NUMBER: "number", ISSUED_ON: "issued_on", DUE_ON: "due_on", TOTAL: "total", STATUS: "status" },
  "CREATED DESC",
);

export async function listJournalEntries(db: Db, args: PageArgs): Promise<Connection<JournalEntry>> {
  const page = keysetPage(journalOrder, args);
  return page.fetch(db.selectFrom("finance.journal_entries").selectAll(), toJournalEntry);
}

export interface InvoiceFilter {
  customerId?: string | null;
  status?: InvoiceStatus | null;
  statuses?: InvoiceStatus[] | null;
  issuedFrom?: string | null;
  issuedTo?: string | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  totalMin?: string | null;
  totalMax?: string | null;
  search?: string | null;
}

export async function listInvoices(
  db: Db,
  args: PageArgs & { filter?: InvoiceFilter | null },
): Promise<Connection<Invoice>> {
  const page = keysetPage(invoiceOrder, args);
  const f = args.filter ?? {};
  const query = narrow(db.selectFrom("finance.invoices").selectAll(), [
    equals("customer_id", f.customerId),
    equals("status", f.status),
    oneOf("status", f.statuses, "filter.statuses"),
    atLeast("issued_on", f.issuedFrom),
    atMost("issued_on", f.issuedTo),
    atLeast("due_on", f.dueFrom),
    atMost("due_on", f.dueTo),
    atLeast("total", f.totalMin),
    atMost("total", f.totalMax),
    contains(["number"], f.search),
  ]);
  return page.fetch(query, toInvoice);
}

/** What a customer owes in a currency: open invoice balances minus payments not yet allocated. */
/**
 * What customers owe in a currency: open invoice balances minus payments not yet allocated or
 * refunded. One statement for every customer asked for at once (the balance loader batches).
 */
export async function customerBalances(
  db: Db,
  customerIds: readonly string[],
  currency: string,
): Promise<Map<string, Money>> {
  const ids = [...customerIds];
  const { rows } = await sql<{ customer_id: string; balance: string }>`
    select customer_id, sum(amount)::text as balance from (
      select customer_id, total + interest_accrued - amount_paid - amount_credited as amount from finance.invoices
        where customer_id = any(${ids}::uuid[]) and currency = ${currency} and status in ('ISSUED', 'PARTIALLY_PAID')
      union all
      select p.customer_id, -(p.amount - coalesce(a.allocated, 0) - coalesce(r.refunded, 0)) from finance.payments p
        left join (select payment_id, sum(amount) as allocated from finance.allocations group by payment_id) a on a.payment_id = p.id
        left join (select payment_id, sum(amount) as refunded from finance.refunds group by payment_id) r on r.payment_id = p.id
        where p.customer_id = any(${ids}::uuid[]) and p.currency = ${currency}
    ) owed group by customer_id`.execute(db);
  const found = new Map(rows.map((r) => [r.customer_id, showMoney(r.balance, currency)]));
  return new Map(ids.map((id) => [id, found.get(id) ?? showMoney("0", currency)]));
}

export interface JournalLineView {
  accountId: string;
  debit: Money;
  credit: Money;
}

export interface AllocationView {
  invoiceId: string;
  amount: Money;
}

export interface AgingBuckets {
  current: Money;
  days1To30: Money;
  days31To60: Money;
  days61To90: Money;
  over90: Money;
}

/** Open balances by days past due on `today` (the reader's business clock): current, 1–30, 31–60, 61–90, over 90. */
export async function agingBuckets(db: Db, customerId: string, currency: string, today: string): Promise<AgingBuckets> {
  const { rows } = await sql<{ bucket: keyof AgingBuckets; amount: string }>`
    select case
             when ${today}::date - due_on <= 0 then 'current'
             when ${today}::date - due_on <= 30 then 'days1To30'
             when ${today}::date - due_on <= 60 then 'days31To60'
             when ${today}::date - due_on <= 90 then 'days61To90'
             else 'over90' end as bucket,
           sum(total + interest_accrued - amount_paid - amount_credited)::text as amount
    from finance.invoices
    where customer_id = ${customerId} and currency = ${currency} and status in ('ISSUED', 'PARTIALLY_PAID')
    group by 1`.execute(db);
  const amount = (bucket: keyof AgingBuckets) =>
    showMoney(rows.find((r) => r.bucket === bucket)?.amount ?? "0", currency);
  return {
    current: amount("current"),
    days1To30: amount("days1To30"),
    days31To60: amount("days31To60"),
    days61To90: amount("days61To90"),
    over90: amount("over90"),
  };
}
