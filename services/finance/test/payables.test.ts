import { randomUUID } from "node:crypto";
import { newKey, person, testDatabaseKind } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";
import { balances, billMatched, entryLines, stockReceived, supplierRegistered } from "./ledger-helpers.js";

const env = useFinance();

const PAYABLE =
  "id status supplierName supplierInvoiceNumber total { amount currency } amountPaid { amount } outstanding { amount } overdue payments { amount { amount } reference journalEntry { number } } journalEntry { source { type id } }";
const PAY = `mutation($i: PaySupplierBillInput!) { paySupplierBill(input: $i) { payment { id amount { amount currency } paidOn reference } payable { ${PAYABLE} } errors { code field message } } }`;
const pay = async (billId: string, amount: string, extra: Record<string, unknown> = {}) =>
  (
    await env.client.request(PAY, {
      i: {
        idempotencyKey: newKey(),
        billId,
        amount: { amount, currency: "EUR" },
        reference: newKey("bank"),
        ...extra,
      },
    })
  ).data.paySupplierBill;
const payable = async (id: string) =>
  (await env.client.request(`query($id: ID!) { payable(id: $id) { ${PAYABLE} } }`, { id })).data.payable;

let supplierId: string;
let bill: ReturnType<typeof billMatched>;

beforeAll(async () => {
  supplierId = randomUUID();
  await env.deliver("procurement.supplier.registered", supplierRegistered("Acme Supplies", 1, supplierId));
  // Received 1,000.00 at PO prices; the supplier bills 1,010.00 (10.00 above the PO price).
  await env.deliver("inventory.stock.received", stockReceived("1000.00", { type: "GoodsReceipt", id: randomUUID() }));
  bill = billMatched(supplierId, { total: "1010.00", receivedValue: "1000.00" });
});

describe(`payables on ${testDatabaseKind()}`, () => {
  it("raises a payable from a matched bill: GRNI cleared, price variance and accounts payable posted, once", async () => {
    expect(await balances(env)).toMatchObject({ "1200": "1000.00", "2050": "-1000.00" });
    await env.deliver("procurement.supplier_bill.matched", bill);
    await env.deliver("procurement.supplier_bill.matched", bill);
    expect(await entryLines(env, bill.billId)).toEqual(["2000 Cr 1010.00", "2050 Dr 1000.00", "5300 Dr 10.00"]);
    expect(await env.count("finance.supplier_bills")).toBe(1);
    const books = await balances(env);
    expect(books).toMatchObject({ "1200": "1000.00", "2050": "0.00", "5300": "10.00", "2000": "-1010.00" });
    expect(await payable(bill.billId)).toMatchObject({
      status: "OPEN",
      supplierName: "Acme Supplies",
      supplierInvoiceNumber: bill.supplierInvoiceNumber,
      total: { amount: "1010.00", currency: "EUR" },
      outstanding: { amount: "1010.00" },
      overdue: false,
      journalEntry: { source: { type: "SupplierBill", id: bill.billId } },
    });
  });

  it("credits purchase price variance when the supplier bills below the PO price", async () => {
    const cheaper = billMatched(supplierId, { total: "95.00", receivedValue: "100.00" });
    await env.deliver("inventory.stock.received", stockReceived("100.00", { type: "GoodsReceipt", id: randomUUID() }));
    await env.deliver("procurement.supplier_bill.matched", cheaper);
    expect(await entryLines(env, cheaper.billId)).toEqual(["2000 Cr 95.00", "2050 Dr 100.00", "5300 Cr 5.00"]);
    expect(await balances(env)).toMatchObject({ "2050": "0.00", "5300": "5.00", "2000": "-1105.00" });
    expect((await pay(cheaper.billId, "95.00")).payable.status).toBe("PAID");
  });

  it("pays part of a bill, then refuses paying more than is open, writing nothing", async () => {
    const first = await pay(bill.billId, "400.00", { reference: "BANK-1" });
    expect(first.errors).toEqual([]);
    expect(first.payable).toMatchObject({
      status: "PARTIALLY_PAID",
      amountPaid: { amount: "400.00" },
      outstanding: { amount: "610.00" },
    });
    expect(await entryLines(env, first.payment.id)).toEqual(["1000 Cr 400.00", "2000 Dr 400.00"]);
    expect(await balances(env)).toMatchObject({ "2000": "-610.00", "1000": "-495.00" });
    const outbox = await env.count(
      "finance.outbox_events",
      `type = 'finance.supplier_payment.recorded' and payload->>'billId' = '${bill.billId}'`,
    );
    expect(outbox).toBe(1);

    const before = await env.snapshot();
    const over = await pay(bill.billId, "610.01");
    expect(over.errors).toEqual([expect.objectContaining({ code: "OVERPAYMENT", field: ["amount"] })]);
    expect(over.payment).toBeNull();
    expect(await env.snapshot()).toEqual(before);
  });

  it("refuses an unknown bill, another currency, a non-positive amount and a reused bank reference, writing nothing", async () => {
    const before = await env.snapshot();
    const refusals = [
      [await pay(randomUUID(), "1.00"), "SUPPLIER_BILL_NOT_FOUND"],
      [await pay(bill.billId, "1.00", { amount: { amount: "1.00", currency: "USD" } }), "CURRENCY_MISMATCH"],
      [await pay(bill.billId, "0.00"), "VALIDATION_FAILED"],
      [await pay(bill.billId, "-5.00"), "VALIDATION_FAILED"],
      [await pay(bill.billId, "1.00", { reference: "BANK-1" }), "DUPLICATE_REFERENCE"],
    ] as const;
    for (const [result, code] of refusals) {
      expect(result.errors.map((e: any) => e.code)).toEqual([code]);
      expect(result.payment).toBeNull();
    }
    expect(await env.snapshot()).toEqual(before);
  });

  it("refuses paySupplierBill to a caller without finance:payments", async () => {
    const reader = env.as(person("reader@erp.local", ["finance:read"]));
    const refused = await reader.request(PAY, {
      i: { idempotencyKey: newKey(), billId: bill.billId, amount: { amount: "1.00", currency: "EUR" }, reference: "X" },
    });
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("pays the rest once however often the request is retried, and the bill is paid", async () => {
    const i = {
      idempotencyKey: newKey(),
      billId: bill.billId,
      amount: { amount: "610.00", currency: "EUR" },
      reference: "BANK-2",
    };
    const first = (await env.client.request(PAY, { i })).data.paySupplierBill;
    const retry = (await env.client.request(PAY, { i })).data.paySupplierBill;
    expect(first.errors).toEqual([]);
    expect(retry.payment.id).toBe(first.payment.id);
    expect(await env.count("finance.supplier_payments", `bill_id = '${bill.billId}'`)).toBe(2);
    expect(await payable(bill.billId)).toMatchObject({
      status: "PAID",
      amountPaid: { amount: "1010.00" },
      outstanding: { amount: "0.00" },
      payments: [{ reference: "BANK-1" }, { reference: "BANK-2" }],
    });
    expect(await balances(env)).toMatchObject({
      "2000": "0.00",
      "2050": "0.00",
      "1000": "-1105.00",
      "1200": "1100.00",
    });
    expect((await pay(bill.billId, "0.01")).errors[0].code).toBe("OVERPAYMENT");
  });

  it("adds the payable and what is outstanding to procurement's SupplierBill entity", async () => {
    const open = billMatched(supplierId, { total: "30.00", receivedValue: "30.00" });
    await env.deliver("procurement.supplier_bill.matched", open);
    const unknown = randomUUID();
    const { data } = await env.client.request(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on SupplierBill { id outstanding { amount } payable { status } } } }`,
      { r: [open.billId, bill.billId, unknown].map((id) => ({ __typename: "SupplierBill", id })) },
    );
    expect(data._entities).toEqual([
      { id: open.billId, outstanding: { amount: "30.00" }, payable: { status: "OPEN" } },
      { id: bill.billId, outstanding: { amount: "0.00" }, payable: { status: "PAID" } },
      { id: unknown, outstanding: null, payable: null },
    ]);
  });

  it("lists payables newest first, narrowed to those still open", async () => {
    const { data } = await env.client.request(
      `query($s: ID) { all: payables(first: 2, filter: { supplierId: $s }) { nodes { id } pageInfo { hasNextPage } }
        open: payables(filter: { supplierId: $s, open: true }) { nodes { id outstanding { amount } } } }`,
      { s: supplierId },
    );
    expect(data.all.nodes).toHaveLength(2);
    expect(data.all.pageInfo.hasNextPage).toBe(true);
    expect(data.open.nodes).toEqual([{ id: expect.any(String), outstanding: { amount: "30.00" } }]);
  });
});
