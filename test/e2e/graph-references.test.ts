import { type GraphQLClient, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

let statements = 0;
const counter: KyselyPlugin = { transformQuery: (a) => (statements++, a.node), transformResult: async (a) => a.result };
let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;
const ORDERS = 3;
const ids = {
  warehouse: "",
  customers: [] as string[],
  products: [] as string[],
  orders: [] as string[],
  payment: "",
  adjustment: "",
};

let signedInAt = 0;

async function data(query: string, variables?: Record<string, unknown>) {
  // The setup outlasts a bearer token on a loaded machine: sign in again every two minutes.
  if (Date.now() - signedInAt > 120_000) [client, signedInAt] = [await clientOf(erp), Date.now()];
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const mutate = async (mutation: string, inputType: string, input: Record<string, unknown>, select: string) => {
  const result = await data(
    `mutation($i: ${inputType}!) { ${mutation}(input: $i) { ${select} errors { code field message } } }`,
    {
      i: input,
    },
  );
  expect(result[mutation].errors).toEqual([]);
  return result[mutation];
};

beforeAll(async () => {
  erp = await startSingleProcess({ plugins: [counter] });
  ids.warehouse = (
    await mutate(
      "openWarehouse",
      "OpenWarehouseInput",
      { idempotencyKey: "w", code: "REF-1", name: "Refs" },
      "warehouse { id }",
    )
  ).warehouse.id;
  for (let i = 0; i < 3; i++) {
    ids.customers.push(
      (
        await mutate(
          "registerCustomer",
          "RegisterCustomerInput",
          { idempotencyKey: `c${i}`, name: `Ref Customer ${i}` },
          "customer { id }",
        )
      ).customer.id,
    );
    const product = (
      await mutate(
        "registerProduct",
        "RegisterProductInput",
        {
          idempotencyKey: `p${i}`,
          sku: `REF-${i}`,
          name: `Ref product ${i}`,
          unitOfMeasure: "PIECE",
          type: "STOCKED",
          standardCost: { amount: "1.00", currency: "EUR" },
          listPrice: { amount: "2.00", currency: "EUR" },
        },
        "product { id }",
      )
    ).product.id;
    ids.products.push(product);
    await mutate(
      "receiveStock",
      "ReceiveStockInput",
      {
        idempotencyKey: `r${i}`,
        productId: product,
        warehouseId: ids.warehouse,
        quantity: "1000",
        unitCost: { amount: "1.00", currency: "EUR" },
      },
      "movement { id }",
    );
  }
  ids.adjustment = (
    await mutate(
      "adjustStock",
      "AdjustStockInput",
      {
        idempotencyKey: "adj",
        productId: ids.products[0],
        warehouseId: ids.warehouse,
        delta: "-1",
        reasonCode: "DAMAGED",
      },
      "adjustment { id }",
    )
  ).adjustment.id;
  await erp.settle();
  for (let i = 0; i < ORDERS; i++) {
    const lines = [0, 1].map((j) => ({ productId: ids.products[(i + j) % 3], quantity: "1" }));
    const order = (
      await mutate(
        "placeSalesOrder",
        "PlaceSalesOrderInput",
        {
          idempotencyKey: `o${i}`,
          customerId: ids.customers[i % 3],
          warehouseId: ids.warehouse,
          currency: "EUR",
          lines,
        },
        "salesOrder { id }",
      )
    ).salesOrder.id;
    ids.orders.push(order);
    await mutate(
      "confirmSalesOrder",
      "ConfirmSalesOrderInput",
      { idempotencyKey: `k${i}`, salesOrderId: order },
      "salesOrder { id }",
    );
  }
  await erp.settle();
  for (const [i, id] of ids.orders.entries()) {
    const { salesOrder } = await data(`query($id: ID!) { salesOrder(id: $id) { status lines { id } } }`, { id });
    expect(salesOrder.status).toBe("CONFIRMED");
    await mutate(
      "shipSalesOrder",
      "ShipSalesOrderInput",
      {
        idempotencyKey: `s${i}`,
        salesOrderId: id,
        lines: salesOrder.lines.map((l: { id: string }) => ({ orderLineId: l.id, quantity: "1" })),
      },
      "shipment { id }",
    );
  }
  await erp.settle();
  ids.payment = (
    await mutate(
      "recordPayment",
      "RecordPaymentInput",
      {
        idempotencyKey: "pay",
        customerId: ids.customers[0],
        amount: { amount: "1.00", currency: "EUR" },
        method: "BANK_TRANSFER",
        externalReference: "REF-PAY-1",
      },
      "payment { id }",
    )
  ).payment.id;
  await erp.settle();
}, 900_000);
afterAll(() => erp?.stop());

/** Statements the subgraphs run for one query at two page sizes: a constant count proves the batching. */
async function statementsAt(query: string, sizes: [number, number], check: (result: any, size: number) => void) {
  const counts: number[] = [];
  for (const size of sizes) {
    statements = 0;
    check(await data(query, { n: size }), size);
    counts.push(statements);
  }
  return counts as [number, number];
}

/** How many kinds of document a page's sources name: each kind may cost one lookup, whatever the rows. */
const documentKinds = (nodes: any[]) => new Set(nodes.map((n) => n.source?.document?.__typename).filter(Boolean)).size;

const INVOICES = `query($n: Int) { invoices(first: $n) { nodes {
  number salesOrderId salesOrder { id number warehouse { code } }
  shipment { number salesOrder { number } lines { orderLine { lineNumber sku } product { sku } } }
  lines { productId product { sku name } } customer { name } } } }`;

const MOVEMENTS = `query($n: Int) { stockMovements(first: $n) { nodes { kind source { type id document {
  __typename ... on Shipment { number salesOrder { number } } ... on StockAdjustment { reasonCode }
} } } } }`;

const ENTRIES = `query($n: Int) { journalEntries(first: $n) { nodes { source { type id document {
  __typename ... on Invoice { number } ... on Payment { externalReference } ... on StockMovement { kind product { sku } }
} } } } }`;

describe(`references across domains on ${testDatabaseKind()}`, () => {
  it("follows an invoice to its order, shipment, order lines and products in constant SQL per page", async () => {
    const [few, many] = await statementsAt(INVOICES, [1, ORDERS], ({ invoices }, size) => {
      expect(invoices.nodes).toHaveLength(size);
      for (const invoice of invoices.nodes) {
        expect(invoice.salesOrder.id).toBe(invoice.salesOrderId);
        expect(invoice.salesOrder.warehouse).toEqual({ code: "REF-1" });
        expect(invoice.shipment.salesOrder.number).toBe(invoice.salesOrder.number);
        expect(invoice.shipment.lines).toHaveLength(2);
        for (const line of invoice.shipment.lines) expect(line.orderLine.sku).toBe(line.product.sku);
        expect(invoice.lines.map((l: any) => l.product?.sku).sort()).toEqual(
          invoice.shipment.lines.map((l: any) => l.product.sku).sort(),
        );
        expect(invoice.customer.name).toMatch(/^Ref Customer/);
      }
    });
    console.log(`SQL statements for a page of invoices with their references: ${few} at 1, ${many} at ${ORDERS}`);
    expect(many).toBe(few);
  });

  it("follows stock movements to the shipment or adjustment they answer to in constant SQL per page", async () => {
    const kinds: number[] = [];
    const [few, many] = await statementsAt(MOVEMENTS, [2, 10], ({ stockMovements }) => {
      for (const movement of stockMovements.nodes) {
        if (movement.source?.type === "SalesShipment")
          expect(movement.source.document).toMatchObject({
            __typename: "Shipment",
            salesOrder: { number: expect.any(String) },
          });
        if (movement.source?.type === "StockAdjustment")
          expect(movement.source.document).toEqual({ __typename: "StockAdjustment", reasonCode: "DAMAGED" });
      }
      kinds.push(documentKinds(stockMovements.nodes));
    });
    expect(kinds[1]).toBeGreaterThan(1);
    // One lookup per kind of document on the page, never one per row.
    expect(many - few).toBeLessThanOrEqual(kinds[1]! - kinds[0]!);
  });

  it("follows the ledger's source documents, finance's own and inventory's, in constant SQL per page", async () => {
    const kinds: number[] = [];
    const [few, many] = await statementsAt(ENTRIES, [2, 30], ({ journalEntries }) => {
      const followed = journalEntries.nodes.filter((e: any) => e.source?.document);
      expect(followed.length).toBeGreaterThan(0);
      for (const entry of followed) expect(entry.source.document.__typename).toBe(entry.source.type);
      kinds.push(documentKinds(journalEntries.nodes));
    });
    expect(kinds[1]).toBeGreaterThan(2);
    expect(many - few).toBeLessThanOrEqual(kinds[1]! - kinds[0]!);
  });

  it("follows a reservation to the order it holds stock for", async () => {
    const { reservations } = await data(
      `query($r: DocumentReferenceInput!) { reservations(reference: $r) { reference { document { __typename ... on SalesOrder { id number } } } } }`,
      { r: { type: "SalesOrder", id: ids.orders[0] } },
    );
    expect(reservations.length).toBeGreaterThan(0);
    for (const r of reservations)
      expect(r.reference.document).toMatchObject({ __typename: "SalesOrder", id: ids.orders[0] });
  });
});

describe(`node lookup for a detail page on ${testDatabaseKind()}`, () => {
  const lookup = (nodeType: string, id: string, fields: string) =>
    data(`query($t: NodeType!, $id: ID!) { node(nodeType: $t, id: $id) { __typename id ${fields} } }`, {
      t: nodeType,
      id,
    });

  it("fetches each kind of entity by its type and id, with its owning domain's fields", async () => {
    const { invoices } = await data(`{ invoices(first: 1) { nodes { id number } } }`);
    const cases: [string, string, string, Record<string, unknown>][] = [
      ["Customer", ids.customers[0]!, "... on Customer { name }", { name: "Ref Customer 0" }],
      ["Product", ids.products[1]!, "... on Product { sku }", { sku: "REF-1" }],
      ["Warehouse", ids.warehouse, "... on Warehouse { code }", { code: "REF-1" }],
      ["StockAdjustment", ids.adjustment, "... on StockAdjustment { reasonCode }", { reasonCode: "DAMAGED" }],
      ["SalesOrder", ids.orders[0]!, "... on SalesOrder { status }", { status: "SHIPPED" }],
      ["Invoice", invoices.nodes[0].id, "... on Invoice { number }", { number: invoices.nodes[0].number }],
      ["Payment", ids.payment, "... on Payment { externalReference }", { externalReference: "REF-PAY-1" }],
    ];
    for (const [type, id, fields, expected] of cases)
      expect((await lookup(type, id, fields)).node).toEqual({ __typename: type, id, ...expected });
  });

  it("answers null for an unknown id, a malformed one, or an id of another type", async () => {
    expect(
      (await lookup("SalesOrder", "00000000-0000-4000-8000-000000000000", "... on SalesOrder { number }")).node,
    ).toBeNull();
    expect((await lookup("SalesOrder", "not-an-id", "")).node).toBeNull();
    expect((await lookup("Invoice", ids.orders[0]!, "... on Invoice { number }")).node).toBeNull();
  });

  it("needs the owning domain's read scope", async () => {
    const outsider = await clientOf(erp, "someone@erp.local", ["buyer"]);
    const result = await outsider.request(`query($id: ID!) { node(nodeType: SalesOrder, id: $id) { id } }`, {
      id: ids.orders[0],
    });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
  });
});
