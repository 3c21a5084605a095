import { type GraphQLClient, newKey, schemaRowCounts, testDatabaseKind } from "@erp/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, type RunningErp, SPLIT_START_MS, startSingleProcess, startSplit } from "../src/harness.js";

/**
 * Retries an assertion until it holds: what follows an event is awaited by its outcome, not
 * only by `settle()` (which in split mode sees the shared database, not each process's relay).
 */
async function eventually<T>(check: () => Promise<T>, withinMs = 60_000): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A person's client that throws on GraphQL errors and returns the data. */
async function person(erp: RunningErp, subject: string, roles: string[]) {
  const client: GraphQLClient = await clientOf(erp, subject, roles);
  return async (query: string, variables?: Record<string, unknown>) => {
    const result = await client.request(query, variables);
    if (result.errors) throw new Error(`${subject}: ${JSON.stringify(result.errors)}`);
    return result.data;
  };
}

type Run = Awaited<ReturnType<typeof person>>;

/** Account code → EUR balance, and whether debits equal credits in every currency. */
async function ledger(run: Run) {
  const { trialBalance } = await run(
    `{ trialBalance { rows { account { code } balance { amount currency } } totals { debit { amount } credit { amount } } } }`,
  );
  const balances: Record<string, string> = Object.fromEntries(
    trialBalance.rows
      .filter((r: any) => r.balance.currency === "EUR")
      .map((r: any) => [r.account.code, r.balance.amount]),
  );
  const balanced = trialBalance.totals.every((t: any) => t.debit.amount === t.credit.amount);
  return { balances, balanced };
}

/** The balances of the accounts procure to pay moves; "0.00" for an account with no postings. */
async function p2pBalances(run: Run) {
  const { balances, balanced } = await ledger(run);
  const at = (code: string) => balances[code] ?? "0.00";
  return {
    balanced,
    bank: at("1000"),
    inventory: at("1200"),
    payable: at("2000"),
    grni: at("2050"),
    stockAdjustments: at("5200"),
    priceVariance: at("5300"),
  };
}

/** The journal entry posted for a source document, as [code, debit, credit] lines. */
async function entryFor(run: Run, type: string, id: string) {
  const { journalEntries } = await run(
    `{ journalEntries(first: 100) { nodes { source { type id } lines { account { code } debit { amount } credit { amount } } } } }`,
  );
  const entries = journalEntries.nodes.filter((e: any) => e.source?.type === type && e.source.id === id);
  return entries.map((e: any) =>
    e.lines
      .map((l: any) => [l.account.code, l.debit.amount, l.credit.amount])
      .sort((a: string[], b: string[]) => a[0]!.localeCompare(b[0]!)),
  );
}

const PO = `id number status requiredApprovals total { amount currency } requestedBy approvals { by decision }
  lines { id quantity receivedQuantity billedQuantity unitPrice { amount } }
  bills { id status paidAmount { amount } outstanding { amount } }`;

/**
 * Procure to pay through the gateway, as the people who do it: a buyer registers a supplier,
 * prices and orders; two managers approve; goods arrive in two parts; the bill matches; an
 * accountant pays it. Ledger, stock and documents are checked after every step.
 */
async function procureToPay(erp: RunningErp) {
  const admin = await person(erp, "admin@erp.local", ["admin"]);
  const buyer = await person(erp, "buyer@erp.local", ["buyer"]);
  const manager1 = await person(erp, "manager1@erp.local", ["procurement-manager"]);
  const manager2 = await person(erp, "manager2@erp.local", ["procurement-manager"]);
  const accountant = await person(erp, "accountant@erp.local", ["accountant"]);
  const buyerClient = await clientOf(erp, "buyer@erp.local", ["buyer"]);
  const managerClient = await clientOf(erp, "manager1@erp.local", ["procurement-manager"]);

  // Inventory: a warehouse and a product with 10 on hand at 90.00 (a manual receipt: Dr 1200 / Cr 5200).
  const warehouseId = (
    await admin(
      `mutation($k: String!, $c: String!) { openWarehouse(input: { idempotencyKey: $k, code: $c, name: "Inbound" }) { warehouse { id } } }`,
      { k: newKey(), c: newKey("W").slice(0, 20) },
    )
  ).openWarehouse.warehouse.id;
  const productId = (
    await admin(
      `mutation($k: String!, $s: String!) { registerProduct(input: { idempotencyKey: $k, sku: $s, name: "Office chair", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "90.00", currency: "EUR" }, listPrice: { amount: "199.00", currency: "EUR" } }) { product { id } } }`,
      { k: newKey(), s: newKey("P2P").slice(0, 40) },
    )
  ).registerProduct.product.id;
  await admin(
    `mutation($k: String!, $p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: "10", unitCost: { amount: "90.00", currency: "EUR" } }) { errors { code } } }`,
    { k: newKey(), p: productId, w: warehouseId },
  );
  await erp.settle();
  const level = async () =>
    (
      await admin(`query($p: ID) { stockLevels(productId: $p) { onHand averageUnitCost { amount } } }`, {
        p: productId,
      })
    ).stockLevels[0];
  await eventually(async () =>
    expect(await p2pBalances(accountant)).toEqual({
      balanced: true,
      bank: "0.00",
      inventory: "900.00",
      payable: "0.00",
      grni: "0.00",
      stockAdjustments: "-900.00",
      priceVariance: "0.00",
    }),
  );

  // The buyer registers the supplier and its price (procurement must have heard of the product).
  const supplierId = (
    await buyer(
      `mutation($k: String!) { registerSupplier(input: { idempotencyKey: $k, name: "Chairs Wholesale GmbH", currency: EUR, paymentTermsDays: 30 }) { supplier { id status } errors { code } } }`,
      { k: newKey() },
    )
  ).registerSupplier.supplier.id;
  const price = await eventually(async () => {
    const set = await buyer(
      `mutation($i: SetSupplierPriceInput!) { setSupplierPrice(input: $i) { errors { code message } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          supplierId,
          productId,
          price: { amount: "120.00", currency: "EUR" },
          leadTimeDays: 7,
          preferred: true,
        },
      },
    );
    expect(set.setSupplierPrice.errors).toEqual([]);
    return set;
  });
  expect(price.setSupplierPrice.errors).toEqual([]);

  // 100 × 120.00 = 12 000.00 EUR: above the dual-approval threshold (10 000.00), two approvers.
  const drafted = (
    await buyer(
      `mutation($i: DraftPurchaseOrderInput!) { draftPurchaseOrder(input: $i) { purchaseOrder { ${PO} } errors { code message } } }`,
      { i: { idempotencyKey: newKey(), supplierId, lines: [{ productId, quantity: "100" }] } },
    )
  ).draftPurchaseOrder;
  expect(drafted.errors).toEqual([]);
  const po = drafted.purchaseOrder;
  expect(po).toMatchObject({
    status: "DRAFT",
    total: { amount: "12000.00", currency: "EUR" },
    requestedBy: "buyer@erp.local",
    lines: [{ quantity: "100", unitPrice: { amount: "120.00" }, receivedQuantity: "0" }],
  });
  const lineId = po.lines[0].id;
  const submitted = await buyer(
    `mutation($k: String!, $id: ID!) { submitPurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status requiredApprovals } errors { code } } }`,
    { k: newKey(), id: po.id },
  );
  expect(submitted.submitPurchaseOrder).toEqual({
    purchaseOrder: { status: "PENDING_APPROVAL", requiredApprovals: 2 },
    errors: [],
  });

  const approve = (client: GraphQLClient) =>
    client.request(
      `mutation($k: String!, $id: ID!) { approvePurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status approvals { by decision } } errors { code } } }`,
      { k: newKey(), id: po.id },
    );
  // The buyer (the requester) may not approve: the buyer role lacks procurement:approve.
  const byBuyer = await approve(buyerClient);
  expect(byBuyer.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  const first = await manager1(
    `mutation($k: String!, $id: ID!) { approvePurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status approvals { by decision } } errors { code } } }`,
    { k: newKey(), id: po.id },
  );
  expect(first.approvePurchaseOrder).toEqual({
    purchaseOrder: { status: "PENDING_APPROVAL", approvals: [{ by: "manager1@erp.local", decision: "APPROVED" }] },
    errors: [],
  });
  const twice = await approve(managerClient);
  expect(twice.data.approvePurchaseOrder).toMatchObject({
    purchaseOrder: null,
    errors: [{ code: "ALREADY_APPROVED_BY_CALLER" }],
  });
  const second = await manager2(
    `mutation($k: String!, $id: ID!) { approvePurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status approvals { by decision } } errors { code } } }`,
    { k: newKey(), id: po.id },
  );
  expect(second.approvePurchaseOrder.purchaseOrder).toEqual({
    status: "APPROVED",
    approvals: [
      { by: "manager1@erp.local", decision: "APPROVED" },
      { by: "manager2@erp.local", decision: "APPROVED" },
    ],
  });

  // Part of it arrives: 40 at 120.00 = 4 800.00 → stock 50, average (900 + 4800) / 50 = 114.00.
  const receive = (quantity: string) =>
    eventually(async () => {
      const received = await buyer(
        `mutation($i: ReceiveGoodsInput!) { receiveGoods(input: $i) { goodsReceipt { id number } purchaseOrder { status lines { receivedQuantity } } errors { code message } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            purchaseOrderId: po.id,
            warehouseId,
            lines: [{ purchaseOrderLineId: lineId, quantity }],
          },
        },
      );
      // Procurement learns the warehouse from inventory's event; until then it does not know it.
      expect(received.receiveGoods.errors.map((e: any) => e.code)).not.toContain("WAREHOUSE_NOT_FOUND");
      return received.receiveGoods;
    });
  const part = await receive("40");
  expect(part).toMatchObject({
    errors: [],
    purchaseOrder: { status: "PARTIALLY_RECEIVED", lines: [{ receivedQuantity: "40" }] },
  });
  await erp.settle();
  await eventually(async () => expect(await level()).toEqual({ onHand: "50", averageUnitCost: { amount: "114.00" } }));
  await eventually(async () =>
    expect(await p2pBalances(accountant)).toEqual({
      balanced: true,
      bank: "0.00",
      inventory: "5700.00",
      payable: "0.00",
      grni: "-4800.00",
      stockAdjustments: "-900.00",
      priceVariance: "0.00",
    }),
  );
  const receiptMovement = async (receiptId: string) => {
    const { stockMovements } = await admin(
      `query($p: ID) { stockMovements(filter: { productId: $p }) { nodes { id kind quantity source { type id } } } }`,
      { p: productId },
    );
    return stockMovements.nodes.find((m: any) => m.source?.type === "GoodsReceipt" && m.source.id === receiptId);
  };
  const firstMovement = await receiptMovement(part.goodsReceipt.id);
  expect(firstMovement).toMatchObject({ kind: "RECEIPT", quantity: "40" });
  expect(await entryFor(accountant, "StockMovement", firstMovement.id)).toEqual([
    [
      ["1200", "4800.00", "0.00"],
      ["2050", "0.00", "4800.00"],
    ],
  ]);

  // Over-receipt refused (60 are open, no tolerance), nothing received.
  const over = await buyer(
    `mutation($i: ReceiveGoodsInput!) { receiveGoods(input: $i) { goodsReceipt { id } errors { code } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        purchaseOrderId: po.id,
        warehouseId,
        lines: [{ purchaseOrderLineId: lineId, quantity: "61" }],
      },
    },
  );
  expect(over.receiveGoods).toEqual({ goodsReceipt: null, errors: [{ code: "OVER_RECEIPT" }] });

  // The rest: 60 × 120.00 = 7 200.00 → stock 110 worth 12 900.00, average 117.27.
  const rest = await receive("60");
  expect(rest).toMatchObject({
    errors: [],
    purchaseOrder: { status: "RECEIVED", lines: [{ receivedQuantity: "100" }] },
  });
  await erp.settle();
  await eventually(async () => expect(await level()).toEqual({ onHand: "110", averageUnitCost: { amount: "117.27" } }));
  await eventually(async () =>
    expect(await p2pBalances(accountant)).toMatchObject({ balanced: true, inventory: "12900.00", grni: "-12000.00" }),
  );
  const secondMovement = await receiptMovement(rest.goodsReceipt.id);
  expect(await entryFor(accountant, "StockMovement", secondMovement.id)).toEqual([
    [
      ["1200", "7200.00", "0.00"],
      ["2050", "0.00", "7200.00"],
    ],
  ]);

  // The bill: 100 at 121.00 (within the 2 % price tolerance) = 12 100.00; variance 100.00.
  const billDate = new Date().toISOString().slice(0, 10);
  const recorded = await buyer(
    `mutation($i: RecordSupplierBillInput!) { recordSupplierBill(input: $i) { supplierBill { id status total { amount } receivedValue { amount } priceVariance { amount } holdReasons { code } } errors { code message } } }`,
    {
      i: {
        idempotencyKey: newKey(),
        supplierId,
        purchaseOrderId: po.id,
        supplierInvoiceNumber: "CW-2026-0042",
        billDate,
        lines: [{ purchaseOrderLineId: lineId, quantity: "100", unitPrice: "121.00" }],
      },
    },
  );
  expect(recorded.recordSupplierBill).toMatchObject({
    errors: [],
    supplierBill: {
      status: "MATCHED",
      total: { amount: "12100.00" },
      receivedValue: { amount: "12000.00" },
      priceVariance: { amount: "100.00" },
      holdReasons: [],
    },
  });
  const billId = recorded.recordSupplierBill.supplierBill.id;
  await erp.settle();
  await eventually(async () =>
    expect(await p2pBalances(accountant)).toEqual({
      balanced: true,
      bank: "0.00",
      inventory: "12900.00",
      payable: "-12100.00",
      grni: "0.00",
      stockAdjustments: "-900.00",
      priceVariance: "100.00",
    }),
  );
  expect(await entryFor(accountant, "SupplierBill", billId)).toEqual([
    [
      ["2000", "0.00", "12100.00"],
      ["2050", "12000.00", "0.00"],
      ["5300", "100.00", "0.00"],
    ],
  ]);
  const order = async () =>
    (await admin(`query($id: ID!) { purchaseOrder(id: $id) { ${PO} } }`, { id: po.id })).purchaseOrder;
  expect(await order()).toMatchObject({
    status: "CLOSED",
    lines: [{ receivedQuantity: "100", billedQuantity: "100" }],
    bills: [{ id: billId, status: "MATCHED", paidAmount: { amount: "0.00" }, outstanding: { amount: "12100.00" } }],
  });

  // The accountant pays it in full from the bank.
  const paid = await accountant(
    `mutation($i: PaySupplierBillInput!) { paySupplierBill(input: $i) { payment { id } payable { outstanding { amount } } errors { code message } } }`,
    {
      i: { idempotencyKey: newKey(), billId, amount: { amount: "12100.00", currency: "EUR" }, reference: "BANK-P2P-1" },
    },
  );
  expect(paid.paySupplierBill).toMatchObject({ errors: [], payable: { outstanding: { amount: "0.00" } } });
  expect(await entryFor(accountant, "SupplierPayment", paid.paySupplierBill.payment.id)).toEqual([
    [
      ["1000", "0.00", "12100.00"],
      ["2000", "12100.00", "0.00"],
    ],
  ]);
  await erp.settle();
  await eventually(async () =>
    expect(await p2pBalances(accountant)).toEqual({
      balanced: true,
      bank: "-12100.00",
      inventory: "12900.00",
      payable: "0.00",
      grni: "0.00",
      stockAdjustments: "-900.00",
      priceVariance: "100.00",
    }),
  );
  await eventually(async () =>
    expect(await order()).toMatchObject({
      status: "CLOSED",
      bills: [{ id: billId, status: "PAID", paidAmount: { amount: "12100.00" }, outstanding: { amount: "0.00" } }],
    }),
  );
  return { productId, warehouseId, supplierId };
}

/**
 * Inventory checks its ledger (ValuationReported) and procurement reports its uninvoiced receipts;
 * finance's reconciliation then raises nothing, and does compare the reports: with their figures
 * altered by SQL it raises the inventory and GRNI control alerts.
 */
async function reconcilesCleanly(erp: RunningErp, valuation: { value: string; valuedMovements: number }) {
  const admin = await person(erp, "admin@erp.local", ["admin"]);
  const controller = await person(erp, "controller@erp.local", ["finance-manager"]);
  const checked = await admin(
    `mutation($k: String!) { checkStockLedger(input: { idempotencyKey: $k }) { discrepancies { __typename } errors { code } } }`,
    { k: newKey() },
  );
  expect(checked.checkStockLedger).toEqual({ discrepancies: [], errors: [] });
  const sent = await admin(
    `mutation($k: String!) { reportUninvoicedReceipts(input: { idempotencyKey: $k }) { positions { receiptLines } errors { code } } }`,
    { k: newKey() },
  );
  expect(sent.reportUninvoicedReceipts.errors).toEqual([]);
  await erp.settle();
  const reported = async () => {
    let rows: unknown[] = [];
    await erp.withSubgraphDatabase("finance", async (db) => {
      rows = (
        await sql<{ report: string; positions: unknown }>`
          select report, positions from finance.reported_positions order by report`.execute(db)
      ).rows.map((r) => [r.report, r.positions]);
    });
    return rows;
  };
  await eventually(async () =>
    expect(await reported()).toEqual([
      [
        "INVENTORY_VALUATION",
        [{ currency: "EUR", value: valuation.value, counts: { valuedMovements: valuation.valuedMovements } }],
      ],
      ["UNINVOICED_RECEIPTS", [{ currency: "EUR", value: "0.00", counts: { receiptLines: 2, matchedBills: 1 } }]],
    ]),
  );
  const reconcile = async () =>
    (
      await controller(
        `mutation($k: String!) { runReconciliation(input: { idempotencyKey: $k }) { run { opened discrepancies outcome } errors { code } } }`,
        { k: newKey() },
      )
    ).runReconciliation;
  expect(await reconcile()).toEqual({ run: { opened: 0, discrepancies: 0, outcome: "OK" }, errors: [] });
  const open = async () => (await controller(`{ reconciliationAlerts(status: OPEN) { kind } }`)).reconciliationAlerts;
  expect(await open()).toEqual([]);

  // Not a vacuous pass: the run compares the reports, which finance has caught up with.
  await erp.withSubgraphDatabase("finance", async (db) => {
    await sql`update finance.reported_positions set positions = jsonb_set(positions, '{0,value}', '"12899.00"')
              where report = 'INVENTORY_VALUATION'`.execute(db);
    await sql`update finance.reported_positions set positions = jsonb_set(positions, '{0,value}', '"5.00"')
              where report = 'UNINVOICED_RECEIPTS'`.execute(db);
  });
  expect((await reconcile()).run).toMatchObject({ opened: 2 });
  expect((await open()).map((a: any) => a.kind).sort()).toEqual([
    "GRNI_CONTROL_MISMATCH",
    "INVENTORY_VALUATION_MISMATCH",
  ]);
}

/** Rows in every table of every business domain: a refused action must leave each count as it was. */
async function everyRow(erp: RunningErp): Promise<Record<string, Record<string, number>>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const domain of ["crm", "inventory", "sales", "finance", "procurement", "hr"])
    await erp.withSubgraphDatabase(domain, async (db) => {
      counts[domain] = await schemaRowCounts(db, domain);
    });
  return counts;
}

describe(`procure to pay through the gateway in one process on ${testDatabaseKind()}`, () => {
  let erp: Awaited<ReturnType<typeof startSingleProcess>>;
  let flow: Awaited<ReturnType<typeof procureToPay>>;
  beforeAll(async () => {
    erp = await startSingleProcess();
  });
  afterAll(() => erp?.stop());

  it("orders above the second threshold, two approvals, receives in two parts, matches the bill, pays it: ledger right at each step", async () => {
    flow = await procureToPay(erp);
  });

  it("refuses the requester's own approval, even with procurement:approve, and writes nothing", async () => {
    const both = await person(erp, "buyer-manager@erp.local", ["buyer", "procurement-manager"]);
    const drafted = await both(
      `mutation($i: DraftPurchaseOrderInput!) { draftPurchaseOrder(input: $i) { purchaseOrder { id } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          supplierId: flow.supplierId,
          lines: [{ productId: flow.productId, quantity: "10" }],
        },
      },
    );
    const id = drafted.draftPurchaseOrder.purchaseOrder.id;
    const submitted = await both(
      `mutation($k: String!, $id: ID!) { submitPurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status requiredApprovals } } }`,
      { k: newKey(), id },
    );
    expect(submitted.submitPurchaseOrder.purchaseOrder).toEqual({ status: "PENDING_APPROVAL", requiredApprovals: 1 });
    await erp.settle();
    const before = await everyRow(erp);
    const own = await both(
      `mutation($k: String!, $id: ID!) { approvePurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { id } errors { code } } }`,
      { k: newKey(), id },
    );
    expect(own.approvePurchaseOrder).toEqual({ purchaseOrder: null, errors: [{ code: "SELF_APPROVAL" }] });
    await erp.settle();
    expect(await everyRow(erp)).toEqual(before);
    const order = await both(`query($id: ID!) { purchaseOrder(id: $id) { status approvals { by } } }`, { id });
    expect(order.purchaseOrder).toEqual({ status: "PENDING_APPROVAL", approvals: [] });
  });

  it("order to cash posts cost of goods sold at shipment at the moving average, the last unit out taking what is left", async () => {
    const admin = await person(erp, "admin@erp.local", ["admin"]);
    const accountant = await person(erp, "accountant@erp.local", ["accountant"]);
    const customerId = (
      await admin(
        `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: "Cost AG" }) { customer { id } } }`,
        { k: newKey() },
      )
    ).registerCustomer.customer.id;
    const productId = (
      await admin(
        `mutation($k: String!, $s: String!) { registerProduct(input: { idempotencyKey: $k, sku: $s, name: "Stool", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "10.00", currency: "EUR" }, listPrice: { amount: "25.00", currency: "EUR" } }) { product { id } } }`,
        { k: newKey(), s: newKey("COGS").slice(0, 40) },
      )
    ).registerProduct.product.id;
    // 3 at 10.00 and 4 at 11.00: 7 worth 74.00, an average of 10.571428…
    for (const [quantity, cost] of [
      ["3", "10.00"],
      ["4", "11.00"],
    ])
      await admin(
        `mutation($k: String!, $p: ID!, $w: ID!, $q: Decimal!, $c: Decimal!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: $q, unitCost: { amount: $c, currency: "EUR" } }) { errors { code } } }`,
        { k: newKey(), p: productId, w: flow.warehouseId, q: quantity, c: cost },
      );
    await erp.settle();
    const before = await p2pBalances(accountant);
    const cogsBefore = (await ledger(accountant)).balances["5000"] ?? "0.00";
    const order = (
      await admin(
        `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id lines { id } } errors { code } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            customerId,
            warehouseId: flow.warehouseId,
            currency: "EUR",
            lines: [{ productId, quantity: "7" }],
          },
        },
      )
    ).placeSalesOrder.salesOrder;
    await admin(
      `mutation($k: String!, $id: ID!) { confirmSalesOrder(input: { idempotencyKey: $k, salesOrderId: $id }) { errors { code } } }`,
      { k: newKey(), id: order.id },
    );
    await erp.settle();
    const ship = async (quantity: string) => {
      const shipped = await admin(
        `mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { errors { code } } }`,
        {
          i: {
            idempotencyKey: newKey(),
            salesOrderId: order.id,
            lines: [{ orderLineId: order.lines[0].id, quantity }],
          },
        },
      );
      expect(shipped.shipSalesOrder.errors).toEqual([]);
      await erp.settle();
    };
    await ship("2");
    await ship("5");
    const { stockMovements } = await admin(
      `query($p: ID) { stockMovements(filter: { productId: $p }) { nodes { id kind quantity source { type } } } }`,
      { p: productId },
    );
    const issues = stockMovements.nodes.filter((m: any) => m.kind === "ISSUE");
    expect(issues.map((m: any) => [m.quantity, m.source.type])).toEqual([
      ["-5", "SalesShipment"],
      ["-2", "SalesShipment"],
    ]);
    // 2 × 10.571428… = 21.14; the last 5 take the remaining 74.00 − 21.14 = 52.86.
    expect(await entryFor(accountant, "StockMovement", issues[1].id)).toEqual([
      [
        ["1200", "0.00", "21.14"],
        ["5000", "21.14", "0.00"],
      ],
    ]);
    expect(await entryFor(accountant, "StockMovement", issues[0].id)).toEqual([
      [
        ["1200", "0.00", "52.86"],
        ["5000", "52.86", "0.00"],
      ],
    ]);
    const after = await ledger(accountant);
    expect(after.balanced).toBe(true);
    // The 74.00 the receipts put on 1200 all went out to cost of goods sold.
    expect(before.inventory).toBe("12974.00");
    expect(after.balances["1200"]).toBe("12900.00");
    expect(after.balances["5000"]).toBe((Number(cogsBefore) + 74).toFixed(2));
  });

  it("reconciliation raises nothing once inventory and procurement have reported, and compares what they reported", async () => {
    await reconcilesCleanly(erp, { value: "12900.00", valuedMovements: 7 });
  });

  it("holds a bill above the received quantity and outside the price tolerance; refuses a duplicate invoice, a blocked supplier, an unknown product and a negative price, writing nothing", async () => {
    const buyer = await person(erp, "buyer@erp.local", ["buyer"]);
    const manager = await person(erp, "manager1@erp.local", ["procurement-manager"]);
    const accountant = await person(erp, "accountant@erp.local", ["accountant"]);
    const refused = async (mutation: string, inputType: string, input: Record<string, unknown>) => {
      await erp.settle();
      const before = await everyRow(erp);
      const result = await buyer(`mutation($i: ${inputType}!) { ${mutation}(input: $i) { errors { code field } } }`, {
        i: { idempotencyKey: newKey(), ...input },
      });
      await erp.settle();
      expect(await everyRow(erp)).toEqual(before);
      return result[mutation].errors;
    };
    const { supplierId, productId, warehouseId } = flow;
    const { purchaseOrders } = await buyer(
      `query($s: ID) { purchaseOrders(filter: { supplierId: $s }) { nodes { id number status lines { id } } } }`,
      { s: supplierId },
    );
    const paidOrder = purchaseOrders.nodes.find((o: any) => o.status === "CLOSED");
    const pending = purchaseOrders.nodes.find((o: any) => o.status === "PENDING_APPROVAL");
    const billDate = new Date().toISOString().slice(0, 10);

    expect(
      await refused("recordSupplierBill", "RecordSupplierBillInput", {
        supplierId,
        purchaseOrderId: paidOrder.id,
        supplierInvoiceNumber: "CW-2026-0042",
        billDate,
        lines: [{ purchaseOrderLineId: paidOrder.lines[0].id, quantity: "1", unitPrice: "120.00" }],
      }),
    ).toMatchObject([{ code: "DUPLICATE_SUPPLIER_INVOICE" }]);
    expect(
      await refused("draftPurchaseOrder", "DraftPurchaseOrderInput", {
        supplierId,
        lines: [{ productId: "00000000-0000-4000-8000-000000000000", quantity: "1" }],
      }),
    ).toMatchObject([{ code: "PRODUCT_NOT_FOUND" }]);
    expect(
      await refused("draftPurchaseOrder", "DraftPurchaseOrderInput", {
        supplierId,
        lines: [{ productId, quantity: "1", unitPrice: "-1.00" }],
      }),
    ).toMatchObject([{ code: "VALIDATION_FAILED" }]);
    await buyer(
      `mutation($k: String!, $s: ID!) { blockSupplier(input: { idempotencyKey: $k, supplierId: $s, reason: "Quality audit" }) { errors { code } } }`,
      { k: newKey(), s: supplierId },
    );
    expect(
      await refused("draftPurchaseOrder", "DraftPurchaseOrderInput", {
        supplierId,
        lines: [{ productId, quantity: "1" }],
      }),
    ).toMatchObject([{ code: "SUPPLIER_BLOCKED" }]);
    await buyer(
      `mutation($k: String!, $s: ID!) { unblockSupplier(input: { idempotencyKey: $k, supplierId: $s }) { errors { code } } }`,
      { k: newKey(), s: supplierId },
    );

    // The order awaiting approval (10 at 120.00): approved by someone else, 5 received, 6 billed at 130.00.
    const approved = await manager(
      `mutation($k: String!, $id: ID!) { approvePurchaseOrder(input: { idempotencyKey: $k, purchaseOrderId: $id }) { purchaseOrder { status } errors { code } } }`,
      { k: newKey(), id: pending.id },
    );
    expect(approved.approvePurchaseOrder).toEqual({ purchaseOrder: { status: "APPROVED" }, errors: [] });
    const received = await buyer(`mutation($i: ReceiveGoodsInput!) { receiveGoods(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        purchaseOrderId: pending.id,
        warehouseId,
        lines: [{ purchaseOrderLineId: pending.lines[0].id, quantity: "5" }],
      },
    });
    expect(received.receiveGoods.errors).toEqual([]);
    await erp.settle();
    const ledgerBefore = await p2pBalances(accountant);
    expect(ledgerBefore).toMatchObject({ balanced: true, grni: "-600.00", payable: "0.00" });
    const held = await buyer(
      `mutation($i: RecordSupplierBillInput!) { recordSupplierBill(input: $i) { supplierBill { id status total { amount } holdReasons { code } } errors { code } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          supplierId,
          purchaseOrderId: pending.id,
          supplierInvoiceNumber: "CW-2026-0043",
          billDate,
          lines: [{ purchaseOrderLineId: pending.lines[0].id, quantity: "6", unitPrice: "130.00" }],
        },
      },
    );
    expect(held.recordSupplierBill).toMatchObject({
      errors: [],
      supplierBill: { status: "ON_HOLD", total: { amount: "780.00" } },
    });
    expect(held.recordSupplierBill.supplierBill.holdReasons.map((r: any) => r.code).sort()).toEqual([
      "PRICE_OUTSIDE_TOLERANCE",
      "QUANTITY_ABOVE_RECEIVED",
    ]);
    await erp.settle();
    // A bill on hold is no payable yet: finance posts nothing for it.
    expect(await p2pBalances(accountant)).toEqual(ledgerBefore);
    const bill = await accountant(`query($id: ID!) { payable(id: $id) { id } }`, {
      id: held.recordSupplierBill.supplierBill.id,
    });
    expect(bill.payable).toBeNull();
  });
});

// Split on PGlite gives each process its own database: events cannot cross processes (README,
// "Splitting across processes"), so the cross-domain flow runs split on PostgreSQL only.
describe.runIf(testDatabaseKind() === "postgres")(
  `procure to pay through the gateway split into processes on ${testDatabaseKind()}`,
  () => {
    let erp: RunningErp;
    beforeAll(async () => {
      erp = await startSplit();
    }, SPLIT_START_MS);
    afterAll(() => erp?.stop());

    it("runs the same flow when every subgraph is its own process, and reconciles cleanly", {
      timeout: 300_000,
    }, async () => {
      await procureToPay(erp);
      await reconcilesCleanly(erp, { value: "12900.00", valuedMovements: 3 });
    });
  },
);
