import { ORDER_LIST } from "@erp/bench";
import { type GraphQLClient, newKey, testDatabaseKind } from "@erp/testing";
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

// The benchmark's order list (bench/): orders with lines, customer, product, stock and invoice
// status from four subgraphs. Its SQL must not grow with the page: DataLoaders batch each level.
let statements = 0;
const counter: KyselyPlugin = { transformQuery: (a) => (statements++, a.node), transformResult: async (a) => a.result };
let erp: Awaited<ReturnType<typeof startSingleProcess>>;
let client: GraphQLClient;

async function data(query: string, variables?: Record<string, unknown>) {
  const result = await client.request(query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  const payload = Object.values(result.data as object)[0];
  if (payload?.errors?.length) throw new Error(JSON.stringify(payload.errors));
  return payload;
}

beforeAll(async () => {
  erp = await startSingleProcess({ plugins: [counter] });
  client = await clientOf(erp);
  const warehouse = (
    await data(
      `mutation { openWarehouse(input: { idempotencyKey: "w", code: "B-1", name: "Bench" }) { warehouse { id } errors { code message } } }`,
    )
  ).warehouse.id;
  const customers: string[] = [];
  const products: string[] = [];
  for (let i = 0; i < 4; i++) {
    customers.push(
      (
        await data(
          `mutation($k: String!, $name: String!) { registerCustomer(input: { idempotencyKey: $k, name: $name }) { customer { id } errors { code message } } }`,
          { k: `c${i}`, name: `Customer ${i}` },
        )
      ).customer.id,
    );
    const product = (
      await data(
        `mutation($k: String!) { registerProduct(input: { idempotencyKey: $k, sku: $k, name: $k, unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "1.00", currency: "EUR" }, listPrice: { amount: "2.00", currency: "EUR" } }) { product { id } errors { code message } } }`,
        { k: `P-${i}` },
      )
    ).product.id;
    products.push(product);
    await data(
      `mutation($k: String!, $p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: $k, productId: $p, warehouseId: $w, quantity: "1000", unitCost: { amount: "1.00", currency: "EUR" } }) { errors { code } } }`,
      { k: newKey(), p: product, w: warehouse },
    );
  }
  await erp.settle();
  // 100 orders of 1–3 lines; the newest 3 confirmed and shipped, so finance invoiced them.
  const orders: { id: string; lines: { id: string; quantity: string }[] }[] = [];
  const place = (i: number) => {
    const lines = Array.from({ length: 1 + (i % 3) }, (_, j) => ({ productId: products[(i + j) % 4], quantity: "1" }));
    const input = {
      idempotencyKey: `o${i}`,
      customerId: customers[i % 4],
      warehouseId: warehouse,
      currency: "EUR",
      lines,
    };
    return data(
      `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id lines { id quantity } } errors { code } } }`,
      { i: input },
    );
  };
  for (let i = 0; i < 100; i++) orders.push((await place(i)).salesOrder);
  const newest = orders.slice(-3);
  for (const order of newest)
    await data(`mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), salesOrderId: order.id },
    });
  await erp.settle();
  for (const order of newest)
    await data(`mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { errors { code } } }`, {
      i: {
        idempotencyKey: newKey(),
        salesOrderId: order.id,
        lines: order.lines.map((l) => ({ orderLineId: l.id, quantity: l.quantity })),
      },
    });
  await erp.settle();
}, 900_000);
afterAll(() => erp?.stop());

describe(`the benchmark's order list on ${testDatabaseKind()}`, () => {
  it("costs the same number of SQL statements for a page of 10 orders and a page of 100", async () => {
    const countFor = async (first: number) => {
      statements = 0;
      const { nodes } = await data(ORDER_LIST, { first });
      expect(nodes).toHaveLength(first);
      // Every subgraph answered: customer (CRM), product and stock (inventory), invoices (finance).
      expect(nodes[0]).toMatchObject({
        customer: { name: expect.stringMatching(/^Customer/) },
        lines: expect.arrayContaining([
          expect.objectContaining({ product: expect.objectContaining({ name: expect.stringMatching(/^P-/) }) }),
        ]),
      });
      expect(Number(nodes[0].lines[0].product.totalAvailable)).toBeGreaterThan(0);
      // The newest ten hold the shipped orders: finance answers with their invoices.
      const shipped = nodes.filter((n: { status: string }) => n.status === "SHIPPED");
      expect(shipped).toHaveLength(3);
      for (const order of shipped) expect(order.invoices).toEqual([{ number: expect.any(String), status: "ISSUED" }]);
      return statements;
    };
    const [ten, hundred] = [await countFor(10), await countFor(100)];
    console.log(`SQL statements for the benchmark's order list: ${ten} at 10, ${hundred} at 100`);
    expect(ten).toBeGreaterThan(3);
    expect(hundred).toBe(ten);
  });

  it("answers concurrent identical requests as it answers each alone, never sharing between people", async () => {
    // The gateway shares an identical query fetch in flight only within one principal: a
    // warehouse clerk (no CRM or finance scopes) asking with an administrator gets their own answer.
    const clerk = await clientOf(erp, "clerk@erp.local", ["warehouse"]);
    const ask = async (who: GraphQLClient) => JSON.stringify(await who.request(ORDER_LIST, { first: 50 }));
    const [adminAlone, clerkAlone] = [await ask(client), await ask(clerk)];
    expect(adminAlone).not.toContain('"errors"');
    expect(clerkAlone).toContain('"errors"');
    const together = await Promise.all(Array.from({ length: 12 }, (_, i) => ask(i % 2 ? clerk : client)));
    // Each request's errors quote its own request id; apart from that the answers are the same bytes.
    const requestIds = (answer: string) => [...answer.matchAll(/"requestId":"([^"]+)"/g)].map((m) => m[1]);
    const withoutIds = (answer: string) => answer.replace(/"requestId":"[^"]+"/g, '"requestId":"…"');
    for (const [i, answer] of together.entries())
      expect(withoutIds(answer)).toBe(withoutIds(i % 2 ? clerkAlone : adminAlone));
    const clerkIds = together.filter((_, i) => i % 2).map((answer) => new Set(requestIds(answer)));
    for (const ids of clerkIds) expect(ids.size).toBe(1);
    expect(new Set(clerkIds.map((ids) => [...ids][0])).size).toBe(6);
  });
});
