import { type RawBuilder, sql, type Transaction } from "kysely";
import type { FinanceDatabase } from "./db.js";
import type { Discrepancy } from "./discrepancy.js";
import { LEDGER_CONTROLS } from "./ledger-controls.js";

export type { Discrepancy };

type Trx = Transaction<FinanceDatabase>;
type Check = (trx: Trx) => Promise<Discrepancy[]>;

const rows = async <T>(trx: Trx, query: RawBuilder<T>) => (await query.execute(trx)).rows;

const invoicePaidMatchesAllocations: Check = async (trx) =>
  (
    await rows<{ id: string; number: string; paid: string; allocated: string }>(
      trx,
      sql`
      select i.id, i.number, i.amount_paid::text as paid, coalesce(sum(a.amount), 0)::text as allocated
      from finance.invoices i left join finance.allocations a on a.invoice_id = i.id
      group by i.id having i.amount_paid <> coalesce(sum(a.amount), 0)`,
    )
  ).map((r) => ({
    kind: "INVOICE_PAID_MISMATCH",
    severity: "CRITICAL",
    fingerprint: `INVOICE_PAID_MISMATCH:${r.id}`,
    description: `Invoice ${r.number}: amount paid differs from its allocations`,
    documents: [{ type: "Invoice", id: r.id }],
    expected: r.allocated,
    found: r.paid,
  }));

const paymentsNotOverAllocated: Check = async (trx) =>
  (
    await rows<{ id: string; amount: string; allocated: string }>(
      trx,
      sql`
      select p.id, p.amount::text as amount, (coalesce(a.total, 0) + coalesce(r.total, 0))::text as allocated
      from finance.payments p
      left join (select payment_id, sum(amount) as total from finance.allocations group by payment_id) a on a.payment_id = p.id
      left join (select payment_id, sum(amount) as total from finance.refunds group by payment_id) r on r.payment_id = p.id
      where coalesce(a.total, 0) + coalesce(r.total, 0) > p.amount`,
    )
  ).map((r) => ({
    kind: "PAYMENT_OVER_ALLOCATED",
    severity: "CRITICAL",
    fingerprint: `PAYMENT_OVER_ALLOCATED:${r.id}`,
    description: "A payment is allocated beyond its amount",
    documents: [{ type: "Payment", id: r.id }],
    expected: `at most ${r.amount}`,
    found: r.allocated,
  }));

/**
 * Each invoice or payment has exactly one (unreversed-origin) entry whose control line matches its amount;
 * a zero-total document (a free invoice) has none.
 */
function oneEntryPerDocument(
  type: "Invoice" | "Payment",
  table: string,
  amountColumn: string,
  accountCode: string,
): Check {
  return async (trx) =>
    (
      await rows<{ id: string; amount: string; entries: number; posted: string }>(
        trx,
        sql`
        select d.id, d.${sql.raw(amountColumn)}::text as amount, count(distinct e.id)::int as entries,
               coalesce(sum(l.debit) filter (where acc.code = ${accountCode}), 0)::text as posted
        from ${sql.raw(table)} d
        left join finance.journal_entries e on e.source_type = ${type} and e.source_id = d.id::text and e.reverses_id is null
        left join finance.journal_lines l on l.entry_id = e.id
        left join finance.accounts acc on acc.id = l.account_id
        group by d.id
        having count(distinct e.id) <> (case when d.${sql.raw(amountColumn)} = 0 then 0 else 1 end) or coalesce(sum(l.debit) filter (where acc.code = ${accountCode}), 0) <> d.${sql.raw(amountColumn)}`,
      )
    ).map((r) => ({
      kind: `${type.toUpperCase()}_JOURNAL_MISMATCH`,
      severity: "CRITICAL",
      fingerprint: `${type.toUpperCase()}_JOURNAL_MISMATCH:${r.id}`,
      description:
        r.entries === 1
          ? `The ${type.toLowerCase()}'s journal entry posts a different amount`
          : `The ${type.toLowerCase()} has ${r.entries} journal entries instead of one`,
      documents: [{ type, id: r.id }],
      expected: Number(r.amount) === 0 ? "no entry" : `1 entry of ${r.amount}`,
      found: `${r.entries} entr${r.entries === 1 ? "y" : "ies"} of ${r.posted}`,
    }));
}

const receivableMatchesOpenInvoices: Check = async (trx) =>
  (
    await rows<{ currency: string; ledger: string; open: string }>(
      trx,
      sql`
      with ledger as (
        select l.currency, sum(l.debit - l.credit) as balance from finance.journal_lines l
        join finance.accounts a on a.id = l.account_id where a.code = '1100' group by l.currency
      ), open as (
        select currency, sum(total + interest_accrued - amount_paid - amount_credited) as balance from finance.invoices
        where status in ('ISSUED', 'PARTIALLY_PAID') group by currency
      )
      select coalesce(ledger.currency, open.currency) as currency, coalesce(ledger.balance, 0)::text as ledger, coalesce(open.balance, 0)::text as open
      from ledger full join open on open.currency = ledger.currency
      where coalesce(ledger.balance, 0) <> coalesce(open.balance, 0)`,
    )
  ).map((r) => ({
    kind: "RECEIVABLE_CONTROL_MISMATCH",
    severity: "CRITICAL",
    fingerprint: `RECEIVABLE_CONTROL_MISMATCH:${r.currency.trim()}`,
    description: `Accounts receivable (${r.currency.trim()}) differs from the open invoice balances`,
    documents: [{ type: "Account", id: "1100" }],
    expected: r.open,
    found: r.ledger,
  }));

const paymentReferencesUnique: Check = async (trx) =>
  (
    await rows<{ customer_id: string; external_reference: string; ids: string[] }>(
      trx,
      sql`
      select customer_id, external_reference, array_agg(id::text order by id) as ids from finance.payments
      group by customer_id, external_reference having count(*) > 1`,
    )
  ).map((r) => ({
    kind: "DUPLICATE_PAYMENT_REFERENCE",
    severity: "CRITICAL",
    fingerprint: `DUPLICATE_PAYMENT_REFERENCE:${r.customer_id}:${r.external_reference}`,
    description: `Payments share the reference ${r.external_reference}`,
    documents: r.ids.map((id) => ({ type: "Payment", id })),
    expected: "1 payment",
    found: `${r.ids.length} payments`,
  }));

/** From finance's side: every shipment it received has its invoice, and every shipment invoice a received shipment. */
const everyShipmentInvoicedOnce: Check = async (trx) =>
  (
    await rows<{ shipment_id: string; invoices: number; received: boolean }>(
      trx,
      sql`
      select coalesce(r.shipment_id, i.shipment_id)::text as shipment_id, count(i.id)::int as invoices,
             bool_or(r.shipment_id is not null) as received
      from finance.received_shipments r
      full join finance.invoices i on i.shipment_id = r.shipment_id
      where r.shipment_id is not null or i.shipment_id is not null
      group by coalesce(r.shipment_id, i.shipment_id)
      having count(i.id) <> 1 or not bool_or(r.shipment_id is not null)`,
    )
  ).map((r) => ({
    kind: r.received ? "SHIPMENT_NOT_INVOICED" : "INVOICE_WITHOUT_SHIPMENT",
    severity: "CRITICAL",
    fingerprint: `${r.received ? "SHIPMENT_NOT_INVOICED" : "INVOICE_WITHOUT_SHIPMENT"}:${r.shipment_id}`,
    description: r.received
      ? "A shipment finance received has no invoice (or more than one)"
      : "An invoice names a shipment finance has no record of receiving",
    documents: [{ type: "Shipment", id: r.shipment_id }],
    expected: r.received ? "1 invoice" : "1 received shipment",
    found: r.received ? `${r.invoices} invoices` : "none",
  }));

/**
 * Against what sales shipped: per currency, the shipments sales reported dispatched by its report's time, and
 * those finance received by the same time. Fewer received means a shipment event never arrived (lost, still
 * queued, or dead-lettered before finance recorded it); finance could not know of it from its own tables.
 */
const everyShipmentReceived: Check = async (trx) => {
  const report = await trx
    .selectFrom("finance.reported_positions")
    .selectAll()
    .where("report", "=", "SHIPPED_POSITION")
    .executeTakeFirst();
  if (!report) return [];
  const received = await trx
    .selectFrom("finance.received_shipments")
    .select(["currency", (eb) => eb.fn.countAll<string>().as("n")])
    .where("shipped_at", "<=", report.reported_at)
    .groupBy("currency")
    .execute();
  const counted = new Map(received.map((r) => [r.currency.trim(), Number(r.n)]));
  return report.positions
    .filter((p) => (counted.get(p.currency) ?? 0) < (p.counts.shipments ?? 0))
    .map((p) => ({
      kind: "SHIPMENTS_NOT_RECEIVED",
      severity: "CRITICAL" as const,
      fingerprint: `SHIPMENTS_NOT_RECEIVED:${p.currency}`,
      description: `Sales dispatched more ${p.currency} shipments than finance received (by ${new Date(report.reported_at).toISOString()})`,
      documents: [],
      expected: `${p.counts.shipments} shipments`,
      found: `${counted.get(p.currency) ?? 0} shipments`,
    }));
};

const journalBalances: Check = async (trx) => [
  ...(
    await rows<{ currency: string; debit: string; credit: string }>(
      trx,
      sql`
      select currency, sum(debit)::text as debit, sum(credit)::text as credit from finance.journal_lines
      group by currency having sum(debit) <> sum(credit)`,
    )
  ).map(
    (r): Discrepancy => ({
      kind: "TRIAL_BALANCE_NOT_ZERO",
      severity: "CRITICAL",
      fingerprint: `TRIAL_BALANCE_NOT_ZERO:${r.currency.trim()}`,
      description: `Debits and credits differ in ${r.currency.trim()}`,
      documents: [],
      expected: r.debit,
      found: r.credit,
    }),
  ),
  ...(
    await rows<{ id: string; number: string }>(
      trx,
      sql`
      select e.id, e.number from finance.journal_entries e left join finance.journal_lines l on l.entry_id = e.id
      group by e.id having coalesce(sum(l.debit), 0) <> coalesce(sum(l.credit), 0) or count(l.id) < 2`,
    )
  ).map(
    (r): Discrepancy => ({
      kind: "UNBALANCED_JOURNAL_ENTRY",
      severity: "CRITICAL",
      fingerprint: `UNBALANCED_JOURNAL_ENTRY:${r.id}`,
      description: `Journal entry ${r.number} does not balance`,
      documents: [{ type: "JournalEntry", id: r.id }],
      expected: "debits = credits",
      found: "unbalanced",
    }),
  ),
];

/** Inventory's own control (on hand = sum of movements), from the report inventory publishes. */
const inventoryLedgerConsistent: Check = async (trx) => {
  const report = await trx
    .selectFrom("finance.inventory_ledger_reports")
    .selectAll()
    .where("id", "=", "latest")
    .executeTakeFirst();
  return (report?.discrepancies ?? []).map((d) => ({
    kind: "INVENTORY_LEDGER_MISMATCH",
    severity: "CRITICAL" as const,
    fingerprint: `INVENTORY_LEDGER_MISMATCH:${d.productId}:${d.warehouseId}`,
    description: "Stock on hand differs from the sum of its movements (reported by inventory)",
    documents: [
      { type: "Product", id: d.productId },
      { type: "Warehouse", id: d.warehouseId },
    ],
    expected: d.ledgerQuantity,
    found: d.onHand,
  }));
};

/** Every control reconciliation runs; each returns the discrepancies it finds. */
export const RECONCILIATION_CHECKS: Check[] = [
  invoicePaidMatchesAllocations,
  paymentsNotOverAllocated,
  oneEntryPerDocument("Invoice", "finance.invoices", "total", "1100"),
  oneEntryPerDocument("Payment", "finance.payments", "amount", "1000"),
  receivableMatchesOpenInvoices,
  paymentReferencesUnique,
  everyShipmentInvoicedOnce,
  everyShipmentReceived,
  journalBalances,
  inventoryLedgerConsistent,
  ...LEDGER_CONTROLS,
];
