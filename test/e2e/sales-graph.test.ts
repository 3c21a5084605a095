import { type GraphQLClient, newKey, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

let statements = 0;
const counter: KyselyPlugin = { transformQuery: (a) => (statements++, a.node), transformResult: async (a) => a.result };
let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;
const ids = { customers: [] as string[], products: [] as string[], warehouse: "" };

async function data(query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

beforeAll(async () => {
  erp = await startSingleProcess({ plugins: [counter] });
  client = await clientOf(erp);
  ids.warehouse = (
    await data(
      `mutation { openWarehouse(input: { idempotencyKey: "w", code: "G-1", name: "Graph" }) { warehouse { id } } }`,
    )
  ).openWarehouse.warehouse.id;
  for (let i = 0; i < 5; i++) {
    ids.customers.push(
      (
        await data(
          `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: "Graph Customer" }) { customer { id } } }`,
          { k: `c${i}` },
        )
      ).registerCustomer.customer.id,
    );
    ids.products.push(
      (
        await data(
          `mutation($k: String!) { registerProduct(input: { idempotencyKey: $k, sku: $k, name: "Graph product", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "1.00", currency: "EUR" }, listPrice: { amount: "2.00", currency: "EUR" } }) { product { id } } }`,
          { k: `P-${i}` },
        )
      ).registerProduct.product.id,
    );
  }
  await erp.settle();
  // 100 orders of 2 lines each, spread over the customers and products.
  for (let i = 0; i < 100; i++) {
    const lines = [0, 1].map((j) => ({ productId: ids.products[(i + j) % 5], quantity: "1" }));
    await data(`mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: `o${i}`,
        customerId: ids.customers[i % 5],
        warehouseId: ids.warehouse,
        currency: "EUR",
        lines,
      },
    });
  }
});
afterAll(() => erp?.stop());

const PAGE = `query($n: Int) { salesOrders(first: $n) { nodes { number total { amount } customer { name } lines { sku product { sku name totalAvailable } } } } }`;

describe(`sales in the federated graph on ${testDatabaseKind()}`, () => {
  it("lists orders with their customers and products in the same number of SQL statements for 10 and for 100", async () => {
    const countFor = async (n: number) => {
      statements = 0;
      const { salesOrders } = await data(PAGE, { n });
      expect(salesOrders.nodes).toHaveLength(n);
      expect(salesOrders.nodes[0]).toMatchObject({
        customer: { name: "Graph Customer" },
        lines: [{ product: { name: "Graph product" } }, {}],
      });
      return statements;
    };
    const [ten, hundred] = [await countFor(10), await countFor(100)];
    console.log(`SQL statements for a page of orders with customers and products: ${ten} at 10, ${hundred} at 100`);
    expect(hundred).toBe(ten);
  });

  it("extends customers with their orders and products with what open orders hold", async () => {
    const { customer } = await data(
      `query($id: ID!) { customer(id: $id) { name orders(first: 100) { nodes { customer { id } } } } }`,
      { id: ids.customers[0] },
    );
    expect(customer.orders.nodes).toHaveLength(20);
    expect(customer.orders.nodes.every((o: any) => o.customer.id === ids.customers[0])).toBe(true);
    const { product } = await data(`query($id: ID!) { product(id: $id) { reservedForOrders } }`, {
      id: ids.products[0],
    });
    expect(product.reservedForOrders).toBe("0");
  });

  it("reserves once when the confirmation request is delivered twice", async () => {
    await data(
      `mutation($k: String!, $p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: "10", unitCost: { amount: "1.00", currency: "EUR" } }) { errors { code } } }`,
      {
        k: newKey(),
        p: ids.products[4],
        w: ids.warehouse,
      },
    );
    const order = (
      await data(`mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } } }`, {
        i: {
          idempotencyKey: newKey(),
          customerId: ids.customers[0],
          warehouseId: ids.warehouse,
          currency: "EUR",
          lines: [{ productId: ids.products[4], quantity: "3" }],
        },
      })
    ).placeSalesOrder.salesOrder;
    await data(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), salesOrderId: order.id },
    });
    await erp.settle();
    const { rows } = await sql<{ id: string; payload: unknown; request_id: string; occurred_at: Date }>`
      select id, payload, request_id, occurred_at from sales.outbox_events where type = 'sales.order.confirmation_requested' and aggregate_id = ${order.id}`.execute(
      await dbOf(),
    );
    const event = {
      id: rows[0]!.id,
      type: "sales.order.confirmation_requested",
      source: "sales",
      aggregateType: "SalesOrder",
      aggregateId: order.id,
      payload: rows[0]!.payload,
      occurredAt: new Date(rows[0]!.occurred_at).toISOString(),
      requestId: rows[0]!.request_id,
    };
    await erp.bus.boss.send("sales.order.confirmation_requested:inventory.reserve-for-order", event);
    await erp.bus.boss.send("sales.order.confirmation_requested:inventory.reserve-for-order", event);
    await erp.settle();
    const level = (await data(`query($p: ID) { stockLevels(productId: $p) { reserved } }`, { p: ids.products[4] }))
      .stockLevels[0];
    expect(level.reserved).toBe("3");
    const status = (await data(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id: order.id })).salesOrder
      .status;
    expect(status).toBe("CONFIRMED");
  });
});

describe(`recovery on ${testDatabaseKind()}`, () => {
  it("completes a confirmation committed while no dispatcher ran, once one starts again", async () => {
    const order = (
      await data(`mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } } }`, {
        i: {
          idempotencyKey: newKey(),
          customerId: ids.customers[1],
          warehouseId: ids.warehouse,
          currency: "EUR",
          lines: [{ productId: ids.products[4], quantity: "1" }],
        },
      })
    ).placeSalesOrder.salesOrder;
    await erp.bus.stop();
    await data(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), salesOrderId: order.id },
    });
    await new Promise((r) => setTimeout(r, 500));
    const waiting = (await data(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id: order.id })).salesOrder
      .status;
    expect(waiting).toBe("PENDING_CONFIRMATION");
    await erp.restartBus();
    await erp.settle();
    const status = (await data(`query($id: ID!) { salesOrder(id: $id) { status } }`, { id: order.id })).salesOrder
      .status;
    expect(status).toBe("CONFIRMED");
  });
});

async function dbOf() {
  let db: any;
  await erp.withSubgraphDatabase("sales", async (d) => {
    db = d;
  });
  return db;
}
