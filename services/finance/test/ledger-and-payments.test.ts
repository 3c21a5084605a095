import { randomUUID } from "node:crypto";
import { type Database, isoDay, sql } from "@erp/core";
import {
  createMigratedDatabase,
  deliverEvent,
  newKey,
  subgraphClient,
  testClock,
  testDatabaseKind,
} from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { finance } from "../src/index.js";

let database: Database;
let client: ReturnType<typeof subgraphClient>;
const accounts = new Map<string, string>();
/** The business clock; it stays on the moment the file started unless a test moves it. */
const clock = testClock();

beforeAll(async () => {
  database = await createMigratedDatabase([finance]);
  client = subgraphClient(finance, database.db, undefined, clock);
  const { data } = await client.request(`{ accounts { id code } }`);
  for (const a of data.accounts) accounts.set(a.code, a.id);
});
afterAll(() => database.close());

const deliver = (type: string, payload: Record<string, unknown>) =>
  deliverEvent(database.db, finance, type, payload, clock);

async function customer() {
  const id = randomUUID();
  await deliver("crm.customer.registered", {
    customerId: id,
    code: "C-1",
    name: "Payer GmbH",
    status: "ACTIVE",
    version: 1,
  });
  return id;
}

/** A shipment of `net` plus 19 % tax, invoiced by finance's own handler. */
async function shipped(customerId: string, net: string, tax: string) {
  const shipmentId = randomUUID();
  await deliver("sales.shipment.dispatched", {
    shipmentId,
    number: "SH-1",
    orderId: randomUUID(),
    orderNumber: "SO-1",
    customerId,
    warehouseId: randomUUID(),
    currency: "EUR",
    lines: [
      {
        orderLineId: randomUUID(),
        reservationId: null,
        discountPercent: "0",
        taxRate: "0",
        productId: randomUUID(),
        sku: "CHAIR",
        quantity: "1",
        unitPrice: net,
        netAmount: net,
        taxAmount: tax,
      },
    ],
  });
  const { rows } = await sql<{ id: string }>`select id from finance.invoices where shipment_id = ${shipmentId}`.execute(
    database.db,
  );
  return rows[0]!.id;
}

const PAYMENT =
  "payment { id amount { amount currency } unallocated { amount } allocations { amount { amount } invoice { number status balanceDue { amount } } } journalEntry { lines { account { code } debit { amount } credit { amount } } } } errors { code field message }";
const pay = (customerId: string, amount: string, extra: Record<string, unknown> = {}) =>
  client.request(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { ${PAYMENT} } }`, {
    i: {
      idempotencyKey: newKey(),
      customerId,
      amount: { amount, currency: "EUR" },
      method: "BANK_TRANSFER",
      externalReference: newKey("ref"),
      ...extra,
    },
  });
const count = async (table: string, where = "true") =>
  (
    await sql<{ n: number }>`select count(*)::int as n from ${sql.raw(table)} where ${sql.raw(where)}`.execute(
      database.db,
    )
  ).rows[0]!.n;
const trial = async () =>
  (
    await client.request(
      `{ trialBalance { totals { debit { amount currency } credit { amount } } rows { account { code } balance { amount } } } }`,
    )
  ).data.trialBalance;

/** The books balance in EUR (the one currency posted here), with balances on at least the given accounts. */
async function expectBalancedBooks(accountCodes: string[]) {
  const t = await trial();
  expect(t.totals).toHaveLength(1);
  const [total] = t.totals;
  expect(total.debit.currency).toBe("EUR");
  expect(Number(total.debit.amount)).toBeGreaterThan(0);
  expect(total.debit.amount).toBe(total.credit.amount);
  expect(t.rows.map((r: any) => r.account.code)).toEqual(expect.arrayContaining(accountCodes));
}

describe(`the ledger on ${testDatabaseKind()}`, () => {
  it("posts a balanced manual entry and refuses an unbalanced one, writing nothing", async () => {
    const ok = await client.request(
      `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { journalEntry { number lines { account { code } debit { amount } credit { amount } } } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          description: "Owner's capital",
          lines: [
            { accountId: accounts.get("1000"), debit: { amount: "5000.00", currency: "EUR" } },
            { accountId: accounts.get("3000"), credit: { amount: "5000.00", currency: "EUR" } },
          ],
        },
      },
    );
    expect(ok.data.postJournalEntry.journalEntry.lines).toHaveLength(2);
    const before = await count("finance.journal_lines");
    const bad = await client.request(
      `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { errors { code message } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          description: "Oops",
          lines: [
            { accountId: accounts.get("1000"), debit: { amount: "10.00", currency: "EUR" } },
            { accountId: accounts.get("3000"), credit: { amount: "9.99", currency: "EUR" } },
          ],
        },
      },
    );
    expect(bad.data.postJournalEntry.errors[0]).toMatchObject({
      code: "UNBALANCED_ENTRY",
      message: "Debits and credits differ by 0.01 EUR",
    });
    expect(await count("finance.journal_lines")).toBe(before);
    await expectBalancedBooks(["1000", "3000"]);
  });

  it("reverses an entry once, and the database refuses to change or unbalance entries", async () => {
    const entry = (
      await client.request(
        `mutation($i: PostJournalEntryInput!) { postJournalEntry(input: $i) { journalEntry { id } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            description: "Bank charge",
            lines: [
              { accountId: accounts.get("5100"), debit: { amount: "3.50", currency: "EUR" } },
              { accountId: accounts.get("1000"), credit: { amount: "3.50", currency: "EUR" } },
            ],
          },
        },
      )
    ).data.postJournalEntry.journalEntry;
    const reverse = () =>
      client.request(
        `mutation($i: ReverseJournalEntryInput!) { reverseJournalEntry(input: $i) { journalEntry { reverses { id } lines { debit { amount } credit { amount } } } errors { code } } }`,
        { i: { idempotencyKey: newKey(), journalEntryId: entry.id, reason: "Refunded by bank" } },
      );
    const first = await reverse();
    expect(first.data.reverseJournalEntry.journalEntry.reverses.id).toBe(entry.id);
    expect((await reverse()).data.reverseJournalEntry.errors[0].code).toBe("ALREADY_REVERSED");
    await expect(
      sql`update finance.journal_lines set debit = 1000 where entry_id = ${entry.id}`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from finance.journal_entries where id = ${entry.id}`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(
      database.db.transaction().execute(async (trx) => {
        await sql`insert into finance.journal_lines (entry_id, account_id, currency, debit) values (${entry.id}, ${accounts.get("1000")}, 'EUR', 1)`.execute(
          trx,
        );
      }),
    ).rejects.toThrow(/does not balance/);
  });

  it("refuses TRUNCATE of every append-only table and of the audit log, keeping their rows", async () => {
    const tables = [
      "journal_entries",
      "journal_lines",
      "payments",
      "allocations",
      "interest_accruals",
      "credit_notes",
      "refunds",
      "audit_log",
    ];
    const counts = async () =>
      Promise.all(
        tables.map(async (t) =>
          Number(
            (await sql<{ n: string }>`select count(*) as n from ${sql.id("finance", t)}`.execute(database.db)).rows[0]!
              .n,
          ),
        ),
      );
    const before = await counts();
    for (const table of tables)
      await expect(sql`truncate ${sql.id("finance", table)} cascade`.execute(database.db)).rejects.toThrow(
        /append-only: TRUNCATE refused/,
      );
    expect(await counts()).toEqual(before);
  });
});

describe(`invoices and payments on ${testDatabaseKind()}`, () => {
  it("invoices a shipment once: receivable against revenue and tax", async () => {
    const c = await customer();
    const invoiceId = await shipped(c, "100.00", "19.00");
    const { data } = await client.request(
      `query($id: ID!) { invoice(id: $id) { status total { amount } balanceDue { amount } journalEntry { lines { account { code } debit { amount } credit { amount } } } } }`,
      { id: invoiceId },
    );
    expect(data.invoice).toMatchObject({
      status: "ISSUED",
      total: { amount: "119.00" },
      balanceDue: { amount: "119.00" },
    });
    expect(data.invoice.journalEntry.lines).toEqual([
      { account: { code: "1100" }, debit: { amount: "119.00" }, credit: { amount: "0.00" } },
      { account: { code: "4000" }, debit: { amount: "0.00" }, credit: { amount: "100.00" } },
      { account: { code: "2100" }, debit: { amount: "0.00" }, credit: { amount: "19.00" } },
    ]);
  });

  it("allocates payments oldest invoice first, keeps the rest as credit, one journal entry each", async () => {
    const c = await customer();
    const older = await shipped(c, "100.00", "19.00");
    const newer = await shipped(c, "50.00", "9.50");
    const part = await pay(c, "100.00");
    expect(part.data.recordPayment.payment.allocations).toEqual([
      {
        amount: { amount: "100.00" },
        invoice: expect.objectContaining({ status: "PARTIALLY_PAID", balanceDue: { amount: "19.00" } }),
      },
    ]);
    const rest = await pay(c, "100.00");
    expect(rest.data.recordPayment.payment.allocations.map((a: any) => [a.amount.amount, a.invoice.status])).toEqual([
      ["19.00", "PAID"],
      ["59.50", "PAID"],
    ]);
    expect(rest.data.recordPayment.payment.unallocated.amount).toBe("21.50");
    expect(
      rest.data.recordPayment.payment.journalEntry.lines.map((l: any) => [
        l.account.code,
        l.debit.amount,
        l.credit.amount,
      ]),
    ).toEqual([
      ["1000", "100.00", "0.00"],
      ["1100", "0.00", "78.50"],
      ["2200", "0.00", "21.50"],
    ]);
    const balance = await client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { balance(currency: "EUR") { amount } openInvoices { id } } } }`,
      { r: [{ __typename: "Customer", id: c }] },
    );
    expect(balance.data._entities[0]).toEqual({ balance: { amount: "-21.50" }, openInvoices: [] });
    const statuses = await client.request(
      `query($a: ID!, $b: ID!) { a: invoice(id: $a) { status } b: invoice(id: $b) { status } }`,
      { a: older, b: newer },
    );
    expect(statuses.data).toEqual({ a: { status: "PAID" }, b: { status: "PAID" } });
  });

  it("reports each customer's own balance when many are asked for at once", async () => {
    const [x, y, z] = [await customer(), await customer(), await customer()];
    await shipped(x, "100.00", "19.00");
    await shipped(y, "10.00", "1.90");
    await pay(y, "20.00");
    const { data } = await client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { balance(currency: "EUR") { amount } } } }`,
      {
        r: [x, y, z].map((id) => ({ __typename: "Customer", id })),
      },
    );
    expect(data._entities.map((e: any) => e.balance.amount)).toEqual(["119.00", "-8.10", "0.00"]);
  });

  it("50 concurrent payments with one key: one payment, one journal entry, 50 identical answers", async () => {
    const c = await customer();
    await shipped(c, "200.00", "38.00");
    const input = {
      idempotencyKey: newKey("pay"),
      customerId: c,
      amount: { amount: "80.00", currency: "EUR" },
      method: "CARD",
      externalReference: "CARD-42",
    };
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        client.request(`mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { ${PAYMENT} } }`, { i: input }),
      ),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await count("finance.payments", `customer_id = '${c}'`)).toBe(1);
    const paymentId = results[0]!.data.recordPayment.payment.id;
    expect(await count("finance.journal_entries", `source_id = '${paymentId}'`)).toBe(1);
    const reused = await client.request(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code } } }`,
      { i: { ...input, amount: { amount: "81.00", currency: "EUR" } } },
    );
    expect(reused.data.recordPayment.errors[0].code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await count("finance.payments", `customer_id = '${c}'`)).toBe(1);
  });

  it("issues an invoice with a zero-priced line, posting only the non-zero amounts; a free invoice posts nothing", async () => {
    const customerId = await customer();
    const issue = async (lines: Record<string, string>[]) =>
      (
        await client.request(
          `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { id total { amount } lines { netAmount { amount } } } errors { code message } } }`,
          { i: { idempotencyKey: newKey(), customerId, currency: "EUR", lines } },
        )
      ).data.issueInvoice;
    const free = { description: "Free sample", quantity: "1", unitPrice: "0", taxRate: "19" };
    const mixed = await issue([free, { description: "Consulting", quantity: "2", unitPrice: "50.00", taxRate: "0" }]);
    expect(mixed.errors).toEqual([]);
    expect(mixed.invoice.total).toEqual({ amount: "100.00" });
    const allFree = await issue([free]);
    expect(allFree).toMatchObject({ errors: [], invoice: { total: { amount: "0.00" } } });
    const postings = async (invoiceId: string) =>
      (
        await sql<{
          n: number;
        }>`select count(*)::int as n from finance.journal_lines l join finance.journal_entries e on e.id = l.entry_id
          where e.source_type = 'Invoice' and e.source_id = ${invoiceId}`.execute(database.db)
      ).rows[0]!.n;
    expect(await postings(mixed.invoice.id)).toBe(2); // receivable and revenue; no zero tax line
    expect(await postings(allFree.invoice.id)).toBe(0);
    const run = await client.request(
      `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { errors { code } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    expect(run.data.runReconciliation.errors).toEqual([]);
    const { data } = await client.request(`{ reconciliationAlerts(status: OPEN) { documents { id } } }`);
    const named = data.reconciliationAlerts.flatMap((a: any) => a.documents.map((d: any) => d.id));
    expect(named).not.toContain(allFree.invoice.id);
    expect(named).not.toContain(mixed.invoice.id);
  });

  it("refuses a duplicate reference, bad amounts and unknown customers, writing nothing", async () => {
    const c = await customer();
    await pay(c, "10.00", { externalReference: "BANK-1" });
    const before = [await count("finance.payments"), await count("finance.journal_entries")];
    expect((await pay(c, "10.00", { externalReference: "BANK-1" })).data.recordPayment.errors[0]).toMatchObject({
      code: "DUPLICATE_REFERENCE",
      field: ["externalReference"],
    });
    expect((await pay(c, "-5.00")).data.recordPayment.errors[0]).toMatchObject({
      code: "VALIDATION_FAILED",
      field: ["amount", "amount"],
    });
    expect((await pay(c, "0.00")).data.recordPayment.errors[0].field).toEqual(["amount", "amount"]);
    expect((await pay(c, "1.005")).data.recordPayment.errors[0].field).toEqual(["amount", "amount"]);
    expect((await pay(randomUUID(), "1.00")).data.recordPayment.errors[0].code).toBe("CUSTOMER_NOT_FOUND");
    expect([await count("finance.payments"), await count("finance.journal_entries")]).toEqual(before);
  });

  it("ages open balances by days past due, as time passes on the business clock", async () => {
    onTestFinished(() => clock.set(new Date()));
    const c = await customer();
    // Issued 75 and 165 days apart on the same terms; then 120 days pass after the first falls due.
    clock.set(isoDay(-300));
    const d = await shipped(c, "40.00", "0.00");
    clock.advanceDays(75);
    await shipped(c, "20.00", "0.00");
    clock.advanceDays(90);
    const a = await shipped(c, "10.00", "0.00");
    const { rows } = await sql<{ due_on: string }>`select due_on from finance.invoices where id = ${d}`.execute(
      database.db,
    );
    clock.set(rows[0]!.due_on);
    clock.advanceDays(120);
    const { data } = await client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { agingBuckets(currency: "EUR") { current { amount } days1To30 { amount } days31To60 { amount } days61To90 { amount } over90 { amount } } } } }`,
      { r: [{ __typename: "Customer", id: c }] },
    );
    expect(data._entities[0].agingBuckets).toEqual({
      current: { amount: "10.00" },
      days1To30: { amount: "0.00" },
      days31To60: { amount: "20.00" },
      days61To90: { amount: "0.00" },
      over90: { amount: "40.00" },
    });
    const overdue = await client.request(`query($id: ID!) { invoice(id: $id) { overdue } }`, { id: d });
    expect(overdue.data.invoice.overdue).toBe(true);
    const current = await client.request(`query($id: ID!) { invoice(id: $id) { overdue } }`, { id: a });
    expect(current.data.invoice.overdue).toBe(false);
  });

  it("voids an unpaid invoice by reversing its entry, and refuses to void one with payments", async () => {
    const c = await customer();
    const unpaid = await shipped(c, "10.00", "1.90");
    const voidIt = (id: string) =>
      client.request(
        `mutation($i: VoidInvoiceInput!) { voidInvoice(input: $i) { invoice { status } errors { code } } }`,
        { i: { idempotencyKey: newKey(), invoiceId: id, reason: "Billed twice" } },
      );
    expect((await voidIt(unpaid)).data.voidInvoice.invoice.status).toBe("VOID");
    expect(await count("finance.journal_entries", `source_id = '${unpaid}'`)).toBe(2);
    const paid = await shipped(c, "10.00", "1.90");
    await pay(c, "5.00");
    expect((await voidIt(paid)).data.voidInvoice.errors[0].code).toBe("INVOICE_HAS_PAYMENTS");
    await expectBalancedBooks(["1000", "1100", "2100", "4000"]);
  });
});

describe(`settling invoices by hand on ${testDatabaseKind()}`, () => {
  const allocate = (paymentId: string, invoiceId: string, amount: string, currency = "EUR") =>
    client.request(
      `mutation($i: AllocatePaymentInput!) { allocatePayment(input: $i) { invoice { status balanceDue { amount } } payment { unallocated { amount } } errors { code field message } } }`,
      {
        i: { idempotencyKey: newKey(), paymentId, invoiceId, amount: { amount, currency } },
      },
    );

  it("applies credit to a chosen invoice, refunds the rest, and refuses overpaying, void invoices and other currencies", async () => {
    const c = await customer();
    const payment = (await pay(c, "100.00")).data.recordPayment.payment;
    expect(payment.unallocated.amount).toBe("100.00");
    const invoice = await shipped(c, "50.00", "9.50");
    // The automatic allocation ran at payment time, before this invoice existed; apply by hand now.
    const applied = await allocate(payment.id, invoice, "40.00");
    expect(applied.data.allocatePayment).toMatchObject({
      invoice: { status: "PARTIALLY_PAID", balanceDue: { amount: "19.50" } },
      payment: { unallocated: { amount: "60.00" } },
      errors: [],
    });
    expect((await allocate(payment.id, invoice, "20.00")).data.allocatePayment.errors[0]).toMatchObject({
      code: "OVERPAYMENT",
      field: ["amount", "amount"],
    });
    expect((await allocate(payment.id, invoice, "1.00", "USD")).data.allocatePayment.errors[0].code).toBe(
      "CURRENCY_MISMATCH",
    );
    const voided = await shipped(c, "5.00", "0.95");
    await client.request(`mutation($i: VoidInvoiceInput!) { voidInvoice(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), invoiceId: voided, reason: "Wrong customer" },
    });
    expect((await allocate(payment.id, voided, "1.00")).data.allocatePayment.errors[0].code).toBe(
      "INVALID_STATE_TRANSITION",
    );
    const refund = (amount: string) =>
      client.request(
        `mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { payment { unallocated { amount } } errors { code } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            paymentId: payment.id,
            amount: { amount, currency: "EUR" },
            reason: "Overpaid",
          },
        },
      );
    expect((await refund("60.01")).data.refundPayment.errors[0].code).toBe("INSUFFICIENT_CREDIT");
    expect((await refund("60.00")).data.refundPayment.payment.unallocated.amount).toBe("0.00");
    const run = await client.request(
      `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { run { outcome discrepancies } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    expect(run.data.runReconciliation.run).toEqual({ outcome: "OK", discrepancies: 0 });
  });

  it("bills services directly, rounding each line half-even, and refuses bad lines", async () => {
    const c = await customer();
    const issue = (lines: Record<string, unknown>[]) =>
      client.request(
        `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { status subtotal { amount } taxTotal { amount } total { amount } lines { description netAmount { amount } } journalEntry { number } } errors { code field } } }`,
        {
          i: { idempotencyKey: newKey(), customerId: c, currency: "EUR", lines },
        },
      );
    const { data } = await issue([
      { description: "Installation", quantity: "2.5", unitPrice: "65.00", taxRate: "19" },
      { description: "Travel", quantity: "1", unitPrice: "33.335", taxRate: "0" },
    ]);
    // 2.5 × 65 = 162.50, tax 30.875 → 30.88; 33.335 → 33.34 (half-even keeps the even 4)
    expect(data.issueInvoice.invoice).toMatchObject({
      status: "ISSUED",
      subtotal: { amount: "195.84" },
      taxTotal: { amount: "30.88" },
      total: { amount: "226.72" },
    });
    expect(data.issueInvoice.invoice.journalEntry.number).toMatch(/^JE-/);
    const bad = await issue([{ description: "", quantity: "-1", unitPrice: "1", taxRate: "120" }]);
    expect([...new Set(bad.data.issueInvoice.errors.map((e: any) => e.field?.join(".")))].sort()).toEqual([
      "lines.0.description",
      "lines.0.quantity",
      "lines.0.taxRate",
    ]);
  });

  it("credits part of an invoice, reversing revenue and tax in proportion, never more than is open", async () => {
    const c = await customer();
    const invoice = await shipped(c, "100.00", "19.00");
    const credit = (amount: string) =>
      client.request(
        `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { invoice { status amountCredited { amount } balanceDue { amount } } errors { code field } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            invoiceId: invoice,
            amount: { amount, currency: "EUR" },
            reason: "Damaged in transit",
          },
        },
      );
    expect((await credit("23.80")).data.issueCreditNote.invoice).toEqual({
      status: "PARTIALLY_PAID",
      amountCredited: { amount: "23.80" },
      balanceDue: { amount: "95.20" },
    });
    expect((await credit("95.21")).data.issueCreditNote.errors[0]).toMatchObject({
      code: "OVER_CREDIT",
      field: ["amount", "amount"],
    });
    await expectBalancedBooks(["1100", "2100", "4000"]);
    // 23.80 gross at 19 % reverses 20.00 of revenue and 3.80 of tax.
    const { data: journal } = await client.request(
      `{ journalEntries(first: 1) { nodes { description lines { account { code } debit { amount } credit { amount } } } } }`,
    );
    expect(
      journal.journalEntries.nodes[0].lines.map((l: any) => [l.account.code, l.debit.amount, l.credit.amount]),
    ).toEqual([
      ["4000", "20.00", "0.00"],
      ["2100", "3.80", "0.00"],
      ["1100", "0.00", "23.80"],
    ]);
    expect((await credit("95.20")).data.issueCreditNote.invoice.status).toBe("PAID");
  });
});
