import { randomUUID } from "node:crypto";
import { currencyScale, Dec, decimalPlaces, isoDay, sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";

const env = useFinance();

async function customer() {
  const customerId = randomUUID();
  await env.deliver("crm.customer.registered", {
    customerId,
    code: `C-${customerId.slice(0, 8)}`,
    name: "Tokyo Trading",
    status: "ACTIVE",
    version: 1,
  });
  return customerId;
}

const INVOICE = "id number dueOn subtotal { amount } taxTotal { amount } total { amount } balanceDue { amount }";

/** One service line of 1,001 yen at 19 % tax, billed by finance itself. */
const yenInvoice = async (customerId: string) =>
  (
    await env.client.request(
      `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { ${INVOICE} } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId,
          currency: "JPY",
          lines: [{ description: "Consulting", quantity: "1", unitPrice: "1001", taxRate: "19" }],
        },
      },
    )
  ).data.issueInvoice.invoice;

/** A shipment billed in Bahraini dinars (three decimals): 10.125 net, 1.924 tax, 12.049 in all. */
async function dinarInvoice(customerId: string) {
  const shipmentId = randomUUID();
  await env.deliver("sales.shipment.dispatched", {
    shipmentId,
    number: "SH-BH",
    orderId: randomUUID(),
    orderNumber: "SO-BH",
    customerId,
    warehouseId: randomUUID(),
    currency: "BHD",
    lines: [
      {
        orderLineId: randomUUID(),
        reservationId: null,
        productId: randomUUID(),
        sku: "PEARL",
        quantity: "1",
        unitPrice: "10.125",
        discountPercent: "0",
        taxRate: "19",
        netAmount: "10.125",
        taxAmount: "1.924",
      },
    ],
  });
  const { rows } = await sql<{ id: string }>`select id from finance.invoices where shipment_id = ${shipmentId}`.execute(
    env.database.db,
  );
  return rows[0]!.id;
}

const creditNote = (invoiceId: string, amount: string, currency: string) =>
  env.client.request(
    `mutation($i: IssueCreditNoteInput!) { issueCreditNote(input: $i) { invoice { status amountCredited { amount } balanceDue { amount } } errors { code message } } }`,
    { i: { idempotencyKey: newKey(), invoiceId, amount: { amount, currency }, reason: "Goodwill" } },
  );

/** The stored lines of the journal entry a document posted, as [account, debit, credit] at full column scale. */
async function postings(sourceType: string, sourceId: string) {
  const { rows } = await sql<{ code: string; debit: string; credit: string }>`
    select a.code, l.debit::text as debit, l.credit::text as credit
    from finance.journal_lines l
    join finance.journal_entries e on e.id = l.entry_id
    join finance.accounts a on a.id = l.account_id
    where e.source_type = ${sourceType} and e.source_id = ${sourceId}
    order by l.debit desc, a.code`.execute(env.database.db);
  return rows.map((r) => [r.code, new Dec(r.debit).toFixed(), new Dec(r.credit).toFixed()]);
}

const invoiceById = async (id: string) =>
  (await env.client.request(`query($id: ID!) { invoice(id: $id) { ${INVOICE} interestAccrued { amount } } }`, { id }))
    .data.invoice;

describe(`money in each currency's own minor unit on ${testDatabaseKind()}`, () => {
  it("bills 1,001 yen at 19 % as 1,191 whole yen, and a credit note reverses tax and revenue in whole yen", async () => {
    const c = await customer();
    const invoice = await yenInvoice(c);
    // 1,001 × 19 % = 190.19 → 190 yen (half-even at JPY's 0 decimals).
    expect(invoice).toMatchObject({
      subtotal: { amount: "1001" },
      taxTotal: { amount: "190" },
      total: { amount: "1191" },
      balanceDue: { amount: "1191" },
    });
    const credited = await creditNote(invoice.id, "100", "JPY");
    expect(credited.data.issueCreditNote).toMatchObject({
      invoice: { status: "PARTIALLY_PAID", amountCredited: { amount: "100" }, balanceDue: { amount: "1091" } },
      errors: [],
    });
    // Tax share 100 × 190 / 1,191 = 15.95… → 16 yen, never 15.95; revenue takes the other 84.
    expect(await postings("CreditNote", await creditNoteId(invoice.id))).toEqual([
      ["4000", "84", "0"],
      ["2100", "16", "0"],
      ["1100", "0", "100"],
    ]);
  });

  it("accrues late interest on yen in whole yen, carrying the fraction from day to day", async () => {
    env.clock.set(isoDay(-200));
    const invoice = await yenInvoice(await customer());
    env.clock.set(invoice.dueOn);
    env.clock.advanceDays(10);
    const run = await env.client.request(
      `mutation($i: AccrueInterestInput!) { accrueInterest(input: $i) { accrued { amount currency } errors { code } } }`,
      { i: { idempotencyKey: newKey() } },
    );
    env.clock.set(new Date());
    // 1,191 × 12 % / 365 = 0.39 yen a day: days of 0 and 1 yen, 4 yen over 10 days.
    expect(run.data.accrueInterest).toEqual({ accrued: [{ amount: "4", currency: "JPY" }], errors: [] });
    const { rows } = await sql<{ amount: string }>`
      select amount::text from finance.interest_accruals where invoice_id = ${invoice.id} order by accrual_date`.execute(
      env.database.db,
    );
    expect(rows.map((r) => new Dec(r.amount).toFixed())).toEqual(["0", "1", "0", "1", "0", "0", "1", "0", "1", "0"]);
    expect((await invoiceById(invoice.id)).interestAccrued.amount).toBe("4");
  });

  it("keeps all three decimals of dinars through a credit note, a hand allocation and its refusals", async () => {
    const c = await customer();
    const paid = await env.client.request(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id unallocated { amount } } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId: c,
          amount: { amount: "10.000", currency: "BHD" },
          method: "BANK_TRANSFER",
          externalReference: newKey("bh"),
        },
      },
    );
    const payment = paid.data.recordPayment.payment;
    expect(payment.unallocated.amount).toBe("10.000");
    const invoiceId = await dinarInvoice(c);
    expect((await creditNote(invoiceId, "5.005", "BHD")).data.issueCreditNote.invoice.balanceDue.amount).toBe("7.044");
    // 5.005 × 1.924 / 12.049 = 0.7992… → 0.799 of tax (0.80 at two decimals would lose a digit).
    expect(await postings("CreditNote", await creditNoteId(invoiceId))).toEqual([
      ["4000", "4.206", "0"],
      ["2100", "0.799", "0"],
      ["1100", "0", "5.005"],
    ]);
    const allocate = (amount: string) =>
      env.client.request(
        `mutation($i: AllocatePaymentInput!) { allocatePayment(input: $i) { invoice { status balanceDue { amount } } payment { unallocated { amount } } errors { code message } } }`,
        { i: { idempotencyKey: newKey(), paymentId: payment.id, invoiceId, amount: { amount, currency: "BHD" } } },
      );
    expect((await allocate("7.045")).data.allocatePayment.errors).toEqual([
      { code: "OVERPAYMENT", message: expect.stringMatching(/ has 7\.044 left to pay$/) },
    ]);
    const allocated = await allocate("7.044");
    expect(allocated.data.allocatePayment).toEqual({
      invoice: { status: "PAID", balanceDue: { amount: "0.000" } },
      payment: { unallocated: { amount: "2.956" } },
      errors: [],
    });
    const { rows } = await sql<{ id: string }>`
      select id from finance.allocations where payment_id = ${payment.id}`.execute(env.database.db);
    expect(await postings("Allocation", rows[0]!.id)).toEqual([
      ["2200", "7.044", "0"],
      ["1100", "0", "7.044"],
    ]);
    const refund = await env.client.request(
      `mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { errors { code message } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          paymentId: payment.id,
          amount: { amount: "2.957", currency: "BHD" },
          reason: "Overpaid",
        },
      },
    );
    expect(refund.data.refundPayment.errors).toEqual([
      { code: "INSUFFICIENT_CREDIT", message: "Only 2.956 of the payment is unallocated" },
    ]);
  });

  it("accrues late interest on dinars to the fils: 0.004 a day on 12.049 at 12 %", async () => {
    env.clock.set(isoDay(-250));
    const invoiceId = await dinarInvoice(await customer());
    env.clock.set((await invoiceById(invoiceId)).dueOn);
    env.clock.advanceDays(3);
    await env.client.request(`mutation($i: AccrueInterestInput!) { accrueInterest(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey() },
    });
    env.clock.set(new Date());
    // 12.049 × 12 % / 365 = 0.00396 a day: 0.004 each day, where cents gave 0.00, 0.01, 0.00.
    expect(await invoiceById(invoiceId)).toMatchObject({
      interestAccrued: { amount: "0.012" },
      balanceDue: { amount: "12.061" },
    });
  });

  it("posts every journal line at its currency's minor unit, and the books balance in each currency", async () => {
    const { rows } = await sql<{ currency: string; debit: string; credit: string }>`
      select trim(currency) as currency, debit::text as debit, credit::text as credit from finance.journal_lines`.execute(
      env.database.db,
    );
    const currencies = new Set(rows.map((r) => r.currency));
    expect(currencies).toEqual(new Set(["JPY", "BHD"]));
    for (const r of rows)
      for (const amount of [r.debit, r.credit])
        expect(decimalPlaces(new Dec(amount).toFixed()), `${amount} ${r.currency}`).toBeLessThanOrEqual(
          currencyScale(r.currency),
        );
    const { data } = await env.client.request(
      `{ trialBalance { totals { debit { amount currency } credit { amount currency } } } }`,
    );
    expect(data.trialBalance.totals).toHaveLength(2);
    for (const total of data.trialBalance.totals) expect(total.debit).toEqual(total.credit);
  });
});

async function creditNoteId(invoiceId: string) {
  const { rows } = await sql<{ id: string }>`
    select id from finance.credit_notes where invoice_id = ${invoiceId}`.execute(env.database.db);
  return rows[0]!.id;
}
