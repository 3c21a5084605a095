import { type GraphQLClient, newKey, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;

beforeAll(async () => {
  erp = await startSingleProcess();
  client = await clientOf(erp);
});
afterAll(() => erp?.stop());

async function data(query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

/** Balances of the accounts that move in order to cash, and whether the trial balance is zero. */
async function ledger() {
  const { trialBalance } = await data(
    `{ trialBalance { rows { account { code } balance { amount } } totals { debit { amount } credit { amount } } } }`,
  );
  const balances = Object.fromEntries(trialBalance.rows.map((r: any) => [r.account.code, r.balance.amount]));
  const zero = trialBalance.totals.every((t: any) => t.debit.amount === t.credit.amount);
  return {
    bank: balances["1000"] ?? "0.00",
    receivable: balances["1100"] ?? "0.00",
    revenue: balances["4000"],
    tax: balances["2100"],
    zero,
  };
}

describe(`order to cash, through finance, on ${testDatabaseKind()}`, () => {
  it("ships, invoices, takes a partial then a final payment, with the journal right at each step", async () => {
    const customerId = (
      await data(`mutation { registerCustomer(input: { idempotencyKey: "fc", name: "Cash AG" }) { customer { id } } }`)
    ).registerCustomer.customer.id;
    const warehouseId = (
      await data(
        `mutation { openWarehouse(input: { idempotencyKey: "fw", code: "FIN", name: "Fin" }) { warehouse { id } } }`,
      )
    ).openWarehouse.warehouse.id;
    const productId = (
      await data(
        `mutation { registerProduct(input: { idempotencyKey: "fp", sku: "FIN-1", name: "Desk", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "50.00", currency: "EUR" }, listPrice: { amount: "99.99", currency: "EUR" } }) { product { id } } }`,
      )
    ).registerProduct.product.id;
    await data(
      `mutation($p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: "fr", productId: $p, warehouseId: $w, quantity: "10", unitCost: { amount: "50.00", currency: "EUR" } }) { errors { code } } }`,
      { p: productId, w: warehouseId },
    );
    await erp.settle();
    const order = (
      await data(
        `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id lines { id } } } }`,
        {
          i: {
            idempotencyKey: "fo",
            customerId,
            warehouseId,
            currency: "EUR",
            lines: [{ productId, quantity: "4", discountPercent: "10" }],
          },
        },
      )
    ).placeSalesOrder.salesOrder;
    await data(
      `mutation($id: ID!) { confirmSalesOrder(input: { idempotencyKey: "fk", salesOrderId: $id }) { errors { code } } }`,
      { id: order.id },
    );
    await erp.settle();
    await data(
      `mutation($id: ID!, $l: ID!) { shipSalesOrder(input: { idempotencyKey: "fs", salesOrderId: $id, lines: [{ orderLineId: $l, quantity: "4" }] }) { errors { code } } }`,
      { id: order.id, l: order.lines[0].id },
    );
    await erp.settle();

    const billed = (
      await data(
        `query($id: ID!) { salesOrder(id: $id) { status total { amount } invoices { number status total { amount } } amountPaid { amount } } }`,
        { id: order.id },
      )
    ).salesOrder;
    expect(billed).toMatchObject({
      status: "SHIPPED",
      total: { amount: "428.35" },
      invoices: [{ status: "ISSUED", total: { amount: "428.35" } }],
      amountPaid: { amount: "0.00" },
    });
    expect(await ledger()).toEqual({
      bank: "0.00",
      receivable: "428.35",
      revenue: "-359.96",
      tax: "-68.39",
      zero: true,
    });
    // What was paid is finance's to tell: a warehouse clerk (sales:read, no finance:read) sees the
    // order but neither its invoices nor its amount paid.
    const clerk = await clientOf(erp, "clerk@erp.local", ["warehouse"]);
    const paid = await clerk.request(`query($id: ID!) { salesOrder(id: $id) { status amountPaid { amount } } }`, {
      id: order.id,
    });
    expect(paid.data.salesOrder).toEqual({ status: "SHIPPED", amountPaid: null });
    expect(paid.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
    const invoices = await clerk.request(`query($id: ID!) { salesOrder(id: $id) { invoices { number } } }`, {
      id: order.id,
    });
    expect(invoices.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);

    const pay = (key: string, amount: string, reference: string) =>
      data(
        `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { allocations { invoice { status } } } errors { code } } }`,
        {
          i: {
            idempotencyKey: key,
            customerId,
            amount: { amount, currency: "EUR" },
            method: "BANK_TRANSFER",
            externalReference: reference,
          },
        },
      );
    expect((await pay("pay-1", "200.00", "BANK-001")).recordPayment.payment.allocations[0].invoice.status).toBe(
      "PARTIALLY_PAID",
    );
    expect(await ledger()).toMatchObject({ bank: "200.00", receivable: "228.35", zero: true });
    expect((await pay("pay-2", "228.35", "BANK-002")).recordPayment.payment.allocations[0].invoice.status).toBe("PAID");
    expect(await ledger()).toMatchObject({ bank: "428.35", receivable: "0.00", zero: true });

    const view = await data(
      `query($c: ID!, $o: ID!) { customer(id: $c) { name balance(currency: "EUR") { amount } openInvoices { number } payments { amount { amount } } orders { nodes { number } } } salesOrder(id: $o) { amountPaid { amount } invoices { status } } }`,
      { c: customerId, o: order.id },
    );
    expect(view.customer).toMatchObject({
      name: "Cash AG",
      balance: { amount: "0.00" },
      openInvoices: [],
      payments: [{ amount: { amount: "228.35" } }, { amount: { amount: "200.00" } }],
    });
    expect(view.salesOrder).toEqual({ amountPaid: { amount: "428.35" }, invoices: [{ status: "PAID" }] });
    const again = await client.request(
      `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId,
          amount: { amount: "1.00", currency: "EUR" },
          method: "CASH",
          externalReference: "BANK-001",
        },
      },
    );
    expect(again.data.recordPayment.errors[0].code).toBe("DUPLICATE_REFERENCE");
  });

  it("50 concurrent confirmations against one credit line never take exposure past its limit", async () => {
    const customerId = (
      await data(
        `mutation { registerCustomer(input: { idempotencyKey: "cc", name: "Credit Rush AG" }) { customer { id } } }`,
      )
    ).registerCustomer.customer.id;
    const warehouseId = (
      await data(
        `mutation { openWarehouse(input: { idempotencyKey: "cw", code: "CRD", name: "Credit" }) { warehouse { id } } }`,
      )
    ).openWarehouse.warehouse.id;
    const productId = (
      await data(
        `mutation { registerProduct(input: { idempotencyKey: "cp", sku: "CRD-1", name: "Lamp", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "50.00", currency: "EUR" }, listPrice: { amount: "100.00", currency: "EUR" } }) { product { id } } }`,
      )
    ).registerProduct.product.id;
    await data(
      `mutation($p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: "cr", productId: $p, warehouseId: $w, quantity: "100", unitCost: { amount: "50.00", currency: "EUR" } }) { errors { code } } }`,
      { p: productId, w: warehouseId },
    );
    await erp.settle();
    const line = (
      await data(
        `mutation($c: ID!) { requestCreditLine(input: { idempotencyKey: "cl", customerId: $c, limit: { amount: "1000.00", currency: "EUR" } }) { creditLine { id } errors { code } } }`,
        { c: customerId },
      )
    ).requestCreditLine.creditLine;
    // Four eyes between real people, through the gateway: the requester cannot approve, a controller can.
    const approve = `mutation($i: CreditLineInput!) { approveCreditLine(input: $i) { creditLine { status } errors { code } } }`;
    const selfApproval = await client.request(approve, { i: { idempotencyKey: "ca-self", creditLineId: line.id } });
    expect(selfApproval.data.approveCreditLine.errors[0].code).toBe("APPROVER_IS_REQUESTER");
    const controller = await clientOf(erp, "controller@erp.local", ["finance-manager"]);
    const approved = await controller.request(approve, { i: { idempotencyKey: "ca", creditLineId: line.id } });
    expect(approved.data.approveCreditLine.creditLine.status).toBe("ACTIVE");
    const ids = await Promise.all(
      Array.from(
        { length: 50 },
        async (_, i) =>
          (
            await data(
              `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id total { amount } } } }`,
              {
                i: {
                  idempotencyKey: `co-${i}`,
                  customerId,
                  warehouseId,
                  currency: "EUR",
                  lines: [{ productId, quantity: "1", taxRate: "0" }],
                },
              },
            )
          ).placeSalesOrder.salesOrder.id,
      ),
    );
    await Promise.all(
      ids.map((id, i) =>
        data(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
          i: { idempotencyKey: `ck-${i}`, salesOrderId: id },
        }),
      ),
    );
    await erp.settle();
    const orders = await Promise.all(
      ids.map(
        async (id) =>
          (await data(`query($id: ID!) { salesOrder(id: $id) { status statusReasonCode } }`, { id })).salesOrder,
      ),
    );
    expect(orders.filter((o) => o.status === "CONFIRMED")).toHaveLength(10);
    expect(
      orders.filter((o) => o.status === "REJECTED" && o.statusReasonCode === "CREDIT_LIMIT_EXCEEDED"),
    ).toHaveLength(40);
    const view = await data(
      `query($c: ID!) { customer(id: $c) { creditLine { exposure { amount } available { amount } } } }`,
      { c: customerId },
    );
    expect(view.customer.creditLine).toEqual({ exposure: { amount: "1000.00" }, available: { amount: "0.00" } });
    await erp.settle();
    const stock = await data(`query($p: ID) { stockLevels(productId: $p) { reserved available } }`, { p: productId });
    expect(stock.stockLevels[0]).toEqual({ reserved: "10", available: "90" });
  });
});
