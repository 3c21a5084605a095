import { Dec } from "@erp/core";
import { type RawBuilder, sql, type Transaction } from "kysely";
import type { FinanceDatabase } from "./db.js";
import type { Discrepancy } from "./discrepancy.js";

type Trx = Transaction<FinanceDatabase>;
type Check = (trx: Trx) => Promise<Discrepancy[]>;

/** An amount without the column's trailing zeros, as people compare figures. */
const figure = (amount: string) => new Dec(amount).toFixed();

const rows = async <T>(trx: Trx, query: RawBuilder<T>) => (await query.execute(trx)).rows;

/** An account's balance per currency, debit positive; credit-side accounts are negated by the caller. */
const accountBalances = (code: string) => sql`
  select l.currency, sum(l.debit - l.credit) as balance from finance.journal_lines l
  join finance.accounts a on a.id = l.account_id where a.code = ${code} group by l.currency`;

/**
 * The ledger's account against another domain's latest reported position, per currency, only
 * where finance has posted exactly the documents the report counts (otherwise events are still
 * on their way and a difference means nothing yet).
 */
function matchesReport(options: {
  kind: string;
  report: "INVENTORY_VALUATION" | "UNINVOICED_RECEIPTS";
  account: string;
  /** 1 for an asset (debit balance), -1 for a liability (credit balance). */
  sign: 1 | -1;
  /** Finance's own counts per currency, as the report names them. */
  counts: RawBuilder<{ currency: string }>;
  description: (currency: string) => string;
}): Check {
  return async (trx) =>
    (
      await rows<{ currency: string; ledger: string; reported: string }>(
        trx,
        sql`
        with reported as (
          select p->>'currency' as currency, (p->>'value')::numeric as value, p->'counts' as counts
          from finance.reported_positions r, jsonb_array_elements(r.positions) p where r.report = ${options.report}
        ), ledger as (${accountBalances(options.account)}), posted as (${options.counts})
        select reported.currency, (${sql.raw(String(options.sign))} * coalesce(ledger.balance, 0))::text as ledger, reported.value::text as reported
        from reported
        left join ledger on ledger.currency = reported.currency
        left join posted on posted.currency = reported.currency
        where (select bool_and(coalesce((to_jsonb(posted) ->> c.key)::int, 0) = c.value::int)
               from jsonb_each_text(reported.counts) c)
          and ${sql.raw(String(options.sign))} * coalesce(ledger.balance, 0) <> reported.value`,
      )
    ).map((r) => ({
      kind: options.kind,
      severity: "CRITICAL",
      fingerprint: `${options.kind}:${r.currency}`,
      description: options.description(r.currency),
      documents: [{ type: "Account", id: options.account }],
      expected: figure(r.reported),
      found: figure(r.ledger),
    }));
}

const inventoryMatchesValuation = matchesReport({
  kind: "INVENTORY_VALUATION_MISMATCH",
  report: "INVENTORY_VALUATION",
  account: "1200",
  sign: 1,
  counts: sql`select currency::text as currency, count(*)::int as "valuedMovements" from finance.stock_postings group by currency`,
  description: (c) => `Inventory (${c}) differs from the stock valuation inventory reports`,
});

const grniMatchesUninvoicedReceipts = matchesReport({
  kind: "GRNI_CONTROL_MISMATCH",
  report: "UNINVOICED_RECEIPTS",
  account: "2050",
  sign: -1,
  counts: sql`
    select currency, sum(receipts)::int as "receiptLines", sum(bills)::int as "matchedBills" from (
      select currency::text as currency, 1 as receipts, 0 as bills from finance.stock_postings where source_type = 'GoodsReceipt'
      union all select currency::text, 0, 1 from finance.supplier_bills
    ) c group by currency`,
  description: (c) => `Goods received not invoiced (${c}) differs from procurement's uninvoiced receipts`,
});

const payableMatchesOpenBills: Check = async (trx) =>
  (
    await rows<{ currency: string; ledger: string; open: string }>(
      trx,
      sql`
      with ledger as (${accountBalances("2000")}), open as (
        select currency, sum(total - amount_paid) as balance from finance.supplier_bills group by currency
      )
      select trim(coalesce(ledger.currency, open.currency)) as currency, (-coalesce(ledger.balance, 0))::text as ledger,
             coalesce(open.balance, 0)::text as open
      from ledger full join open on open.currency = ledger.currency
      where -coalesce(ledger.balance, 0) <> coalesce(open.balance, 0)`,
    )
  ).map((r) => ({
    kind: "PAYABLE_CONTROL_MISMATCH",
    severity: "CRITICAL",
    fingerprint: `PAYABLE_CONTROL_MISMATCH:${r.currency}`,
    description: `Accounts payable (${r.currency}) differs from the open supplier bills`,
    documents: [{ type: "Account", id: "2000" }],
    expected: figure(r.open),
    found: figure(r.ledger),
  }));

const billPaidMatchesPayments: Check = async (trx) =>
  (
    await rows<{ id: string; paid: string; payments: string }>(
      trx,
      sql`
      select b.id, b.amount_paid::text as paid, coalesce(sum(p.amount), 0)::text as payments
      from finance.supplier_bills b left join finance.supplier_payments p on p.bill_id = b.id
      group by b.id having b.amount_paid <> coalesce(sum(p.amount), 0)`,
    )
  ).map((r) => ({
    kind: "SUPPLIER_BILL_PAID_MISMATCH",
    severity: "CRITICAL",
    fingerprint: `SUPPLIER_BILL_PAID_MISMATCH:${r.id}`,
    description: "A supplier bill's amount paid differs from its payments",
    documents: [{ type: "SupplierBill", id: r.id }],
    expected: r.payments,
    found: r.paid,
  }));

/**
 * Each document of a kind has exactly one journal entry (reversals aside) whose line on the
 * control account carries its amount; an entry naming a document finance does not hold counts too.
 */
function oneEntryEach(options: {
  kind: string;
  sourceType: string;
  documents: RawBuilder<{ id: string; amount: string }>;
  account: string;
}): Check {
  return async (trx) =>
    (
      await rows<{ id: string; amount: string | null; entries: number; posted: string }>(
        trx,
        sql`
        with docs as (${options.documents}), entries as (
          select e.source_id as id, count(distinct e.id)::int as entries,
                 coalesce(sum(l.debit + l.credit) filter (where a.code = ${options.account}), 0) as posted
          from finance.journal_entries e
          join finance.journal_lines l on l.entry_id = e.id
          join finance.accounts a on a.id = l.account_id
          where e.source_type = ${options.sourceType} and e.reverses_id is null group by e.source_id
        )
        select coalesce(docs.id, entries.id) as id, docs.amount::text as amount,
               coalesce(entries.entries, 0) as entries, coalesce(entries.posted, 0)::text as posted
        from docs full join entries on entries.id = docs.id
        where docs.id is null or coalesce(entries.entries, 0) <> 1 or coalesce(entries.posted, 0) <> docs.amount`,
      )
    ).map((r) => ({
      kind: options.kind,
      severity: "CRITICAL",
      fingerprint: `${options.kind}:${r.id}`,
      description:
        r.amount == null
          ? `A journal entry names ${options.sourceType} ${r.id}, which finance does not hold`
          : r.entries === 1
            ? `The ${options.sourceType}'s journal entry posts a different amount`
            : `The ${options.sourceType} has ${r.entries} journal entries instead of one`,
      documents: [{ type: options.sourceType, id: r.id }],
      expected: r.amount == null ? "no entry" : `1 entry of ${r.amount}`,
      found: `${r.entries} entr${r.entries === 1 ? "y" : "ies"} of ${r.posted}`,
    }));
}

/** The controls of payables and the perpetual inventory, run with every reconciliation. */
export const LEDGER_CONTROLS: Check[] = [
  inventoryMatchesValuation,
  grniMatchesUninvoicedReceipts,
  payableMatchesOpenBills,
  billPaidMatchesPayments,
  oneEntryEach({
    kind: "STOCK_MOVEMENT_JOURNAL_MISMATCH",
    sourceType: "StockMovement",
    documents: sql`select movement_id::text as id, abs(value) as amount from finance.stock_postings`,
    account: "1200",
  }),
  oneEntryEach({
    kind: "SUPPLIER_BILL_JOURNAL_MISMATCH",
    sourceType: "SupplierBill",
    documents: sql`select id::text as id, total as amount from finance.supplier_bills`,
    account: "2000",
  }),
  oneEntryEach({
    kind: "SUPPLIER_PAYMENT_JOURNAL_MISMATCH",
    sourceType: "SupplierPayment",
    documents: sql`select id::text as id, amount from finance.supplier_payments`,
    account: "2000",
  }),
];
