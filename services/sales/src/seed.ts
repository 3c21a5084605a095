import type { OperationRunner, SeedTools } from "@erp/core";
import type { SalesDatabase } from "./db.js";

async function run(execute: OperationRunner, query: string, input: Record<string, unknown>) {
  const result = await execute(query, { input });
  const payload = result.data && (Object.values(result.data)[0] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`Sales seed failed: ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload;
}

const PLACE = `mutation($input: PlaceSalesOrderInput!) { placeSalesOrder(input: $input) { salesOrder { id lines { id quantity } } errors { code message } } }`;
const CONFIRM = `mutation($input: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $input) { salesOrder { id } errors { code message } } }`;
const SHIP = `mutation($input: ShipSalesOrderInput!) { shipSalesOrder(input: $input) { shipment { id } errors { code message } } }`;
const QUOTE = `mutation($input: CreateQuoteInput!) { createQuote(input: $input) { quote { id } errors { code message } } }`;

/** Orders in every state and quotes in every state, so Sandbox shows the whole lifecycle. */
export async function seedSales(execute: OperationRunner, tools: SeedTools<SalesDatabase>): Promise<void> {
  const customers = await tools.db
    .selectFrom("sales.known_customers")
    .select("customer_id")
    .where("status", "=", "ACTIVE")
    .orderBy("name")
    .limit(6)
    .execute();
  const products = await tools.db
    .selectFrom("sales.known_products")
    .select("product_id")
    .where("status", "=", "ACTIVE")
    .where("type", "=", "STOCKED")
    .where("quantity_precision", "=", 0)
    .orderBy("sku")
    .limit(6)
    .execute();
  const warehouse = await tools.db
    .selectFrom("sales.known_warehouses")
    .select("warehouse_id")
    .orderBy("code", "desc")
    .executeTakeFirst();
  if (customers.length < 6 || products.length < 6 || !warehouse) return;
  // Salespeople are HR's employees: name one when HR's demo staff is known, none otherwise.
  const salesperson = await tools.db
    .selectFrom("sales.known_employees")
    .select("employee_id")
    .where("status", "=", "ACTIVE")
    .orderBy("name")
    .executeTakeFirst();
  const order = (n: number, quantity = "2") =>
    run(execute, PLACE, {
      idempotencyKey: `seed-sales-order-${n}`,
      customerId: customers[n % 6]!.customer_id,
      warehouseId: warehouse.warehouse_id,
      currency: "EUR",
      salespersonId: salesperson?.employee_id ?? null,
      lines: [
        { productId: products[n % 6]!.product_id, quantity },
        { productId: products[(n + 1) % 6]!.product_id, quantity: "1", discountPercent: "5" },
      ],
    });
  const confirm = (n: number, id: string) =>
    run(execute, CONFIRM, { idempotencyKey: `seed-sales-confirm-${n}`, salesOrderId: id });
  const [draft, confirmed, partly, shipped, cancelled, rejected] = [
    await order(1),
    await order(2),
    await order(3),
    await order(4),
    await order(5),
    await order(6, "100000"),
  ];
  void draft;
  for (const [n, o] of [
    [2, confirmed],
    [3, partly],
    [4, shipped],
    [5, cancelled],
    [6, rejected],
  ] as const)
    await confirm(n, o.salesOrder.id);
  await tools.settle();
  await run(execute, SHIP, {
    idempotencyKey: "seed-sales-ship-3",
    salesOrderId: partly.salesOrder.id,
    lines: [{ orderLineId: partly.salesOrder.lines[0].id, quantity: "1" }],
    carrierReference: "DHL 00340434161094042557",
  });
  await run(execute, SHIP, {
    idempotencyKey: "seed-sales-ship-4",
    salesOrderId: shipped.salesOrder.id,
    lines: shipped.salesOrder.lines.map((l: { id: string; quantity: string }) => ({
      orderLineId: l.id,
      quantity: l.quantity,
    })),
    carrierReference: "UPS 1Z999AA10123456784",
  });
  await run(
    execute,
    `mutation($input: CancelSalesOrderInput!) { cancelSalesOrder(input: $input) { salesOrder { id } errors { code message } } }`,
    {
      idempotencyKey: "seed-sales-cancel-5",
      salesOrderId: cancelled.salesOrder.id,
      reason: "Customer ordered twice by mistake",
    },
  );
  await seedQuotes(execute, customers[0]!.customer_id, products[0]!.product_id, warehouse.warehouse_id);
  await tools.settle();
}

async function seedQuotes(execute: OperationRunner, customerId: string, productId: string, warehouseId: string) {
  const validUntil = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const quote = async (n: number) =>
    (
      await run(execute, QUOTE, {
        idempotencyKey: `seed-sales-quote-${n}`,
        customerId,
        currency: "EUR",
        validUntil,
        lines: [{ productId, quantity: String(n * 5), discountPercent: "8" }],
      })
    ).quote.id;
  const [, sent, accepted, rejected] = [await quote(1), await quote(2), await quote(3), await quote(4)];
  for (const [n, id] of [
    [2, sent],
    [3, accepted],
    [4, rejected],
  ] as const)
    await run(
      execute,
      `mutation($input: SendQuoteInput!) { sendQuote(input: $input) { quote { id } errors { code message } } }`,
      { idempotencyKey: `seed-sales-send-${n}`, quoteId: id },
    );
  await run(
    execute,
    `mutation($input: AcceptQuoteInput!) { acceptQuote(input: $input) { quote { id } errors { code message } } }`,
    { idempotencyKey: "seed-sales-accept-3", quoteId: accepted, warehouseId },
  );
  await run(
    execute,
    `mutation($input: RejectQuoteInput!) { rejectQuote(input: $input) { quote { id } errors { code message } } }`,
    { idempotencyKey: "seed-sales-reject-4", quoteId: rejected, reason: "Budget moved to next year" },
  );
}

/** What Sandbox opens with: orders with their CRM customer and inventory products, one query across three subgraphs. */
export const exampleOperation = `# Welcome to the ERP graph: one query, answered by sales, CRM and inventory together.
# Press Run, then explore the schema on the left.
query OrdersAcrossTheGraph {
  salesOrders(first: 5) {
    nodes {
      number
      status
      availableActions
      total { amount currency }
      customer { code name status }
      lines {
        quantity
        shippedQuantity
        netAmount { amount }
        product { sku name totalAvailable }
      }
    }
  }
}
`;
