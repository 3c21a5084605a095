import { type EventPayload, SupplierBillMatched, supplierEvents } from "@erp/contracts";
import {
  type ActionScope,
  atLeast,
  atMost,
  type Connection,
  Dec,
  type DeliveredEvent,
  type DeliveredEventOf,
  defineHandler,
  defineKeyset,
  type EventHandler,
  equals,
  keysetPage,
  type Money,
  narrow,
  type PageArgs,
} from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { PayableStatus } from "./generated/enums.js";
import { postEntry, showMoney } from "./journal.js";
import type { SupplierBillsTable } from "./ledger-tables.js";

type Scope = ActionScope<FinanceDatabase>;

/** A matched supplier bill as finance owes it. */
export interface Payable {
  id: string;
  supplierId: string;
  supplierInvoiceNumber: string;
  purchaseOrderId: string;
  billDate: string;
  dueDate: string;
  total: Money;
  receivedValue: Money;
  priceVariance: Money;
  amountPaid: Money;
  outstanding: Money;
  status: PayableStatus;
  releasedBy: string | null;
  journalEntryId: string | null;
}

export const outstandingOf = (row: Pick<Selectable<SupplierBillsTable>, "total" | "amount_paid">) =>
  new Dec(row.total).minus(row.amount_paid);

function statusOf(row: Selectable<SupplierBillsTable>): PayableStatus {
  if (outstandingOf(row).isZero()) return PayableStatus.PAID;
  return new Dec(row.amount_paid).isZero() ? PayableStatus.OPEN : PayableStatus.PARTIALLY_PAID;
}

export function toPayable(row: Selectable<SupplierBillsTable>): Payable {
  const currency = row.currency.trim();
  return {
    id: row.id,
    supplierId: row.supplier_id,
    supplierInvoiceNumber: row.supplier_invoice_number,
    purchaseOrderId: row.purchase_order_id,
    billDate: row.bill_date,
    dueDate: row.due_date,
    total: showMoney(row.total, currency),
    receivedValue: showMoney(row.received_value, currency),
    priceVariance: showMoney(row.price_variance, currency),
    amountPaid: showMoney(row.amount_paid, currency),
    outstanding: showMoney(outstandingOf(row), currency),
    status: statusOf(row),
    releasedBy: row.released_by,
    journalEntryId: row.journal_entry_id,
  };
}

async function rememberSupplier(event: DeliveredEvent<EventPayload<(typeof supplierEvents)[number]>>, scope: Scope) {
  const s = event.payload;
  const snapshot = {
    code: s.code,
    name: s.name,
    currency: s.currency,
    payment_terms_days: s.paymentTermsDays,
    status: s.status,
    version: s.version,
  };
  await scope.trx
    .insertInto("finance.known_suppliers")
    .values({ supplier_id: s.supplierId, ...snapshot })
    .onConflict((oc) =>
      oc.column("supplier_id").doUpdateSet(snapshot).where("finance.known_suppliers.version", "<", s.version),
    )
    .execute();
}

/**
 * A matched bill becomes a payable, posted once (the bill id is claimed first, so a duplicate
 * posts nothing): what left goods received not invoiced, the price variance, against payables.
 */
async function raisePayable(event: DeliveredEventOf<typeof SupplierBillMatched>, scope: Scope) {
  const b = event.payload;
  const currency = b.total.currency;
  if (b.receivedValue.currency !== currency || b.priceVariance.currency !== currency)
    throw new Error(`Supplier bill ${b.billId} mixes currencies; procurement bills in one currency`);
  const row = await scope.trx
    .insertInto("finance.supplier_bills")
    .values({
      id: b.billId,
      supplier_id: b.supplierId,
      supplier_invoice_number: b.supplierInvoiceNumber,
      purchase_order_id: b.purchaseOrderId,
      bill_date: b.billDate,
      due_date: b.dueDate,
      currency,
      total: b.total.amount,
      received_value: b.receivedValue.amount,
      price_variance: b.priceVariance.amount,
      released_by: b.releasedBy,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) return;
  const variance = new Dec(b.priceVariance.amount);
  const entry = await postEntry(scope, {
    entryDate: scope.today(),
    description: `Supplier bill ${b.supplierInvoiceNumber} matched`,
    source: { type: "SupplierBill", id: b.billId },
    postings: [
      { account: { code: "2050" }, currency, debit: new Dec(b.receivedValue.amount) },
      {
        account: { code: "5300" },
        currency,
        ...(variance.isNegative() ? { credit: variance.abs() } : { debit: variance }),
      },
      { account: { code: "2000" }, currency, credit: new Dec(b.total.amount) },
    ],
  });
  await scope.trx
    .updateTable("finance.supplier_bills")
    .set({ journal_entry_id: entry.id })
    .where("id", "=", row.id)
    .execute();
  await scope.audit("SupplierBill", row.id, { total: b.total, supplierId: b.supplierId });
}

const payableOrder = defineKeyset(
  "Payable",
  { CREATED: "seq", BILL_DATE: "bill_date", DUE_DATE: "due_date", TOTAL: "total" },
  "CREATED DESC",
);

export interface PayableFilter {
  supplierId?: string | null;
  open?: boolean | null;
  currency?: string | null;
  dueFrom?: string | null;
  dueTo?: string | null;
  totalMin?: string | null;
  totalMax?: string | null;
}

export async function listPayables(
  db: Kysely<FinanceDatabase>,
  args: PageArgs & { filter?: PayableFilter | null },
): Promise<Connection<Payable>> {
  const page = keysetPage(payableOrder, args);
  const f = args.filter ?? {};
  let query = narrow(db.selectFrom("finance.supplier_bills").selectAll(), [
    equals("supplier_id", f.supplierId),
    equals("currency", f.currency),
    atLeast("due_date", f.dueFrom),
    atMost("due_date", f.dueTo),
    atLeast("total", f.totalMin),
    atMost("total", f.totalMax),
  ]);
  if (f.open != null) query = query.where((eb) => eb("amount_paid", f.open ? "<" : "=", eb.ref("total")));
  return page.fetch(query, toPayable);
}

/** Finance learns suppliers from procurement and raises a payable for each matched bill. */
export const payableHandlers: EventHandler<FinanceDatabase>[] = [
  ...supplierEvents.map((c) => defineHandler(c, `remember-supplier-${c.type.split(".").at(-1)}`, rememberSupplier)),
  defineHandler(SupplierBillMatched, "raise-payable", raisePayable),
];
