import { randomUUID } from "node:crypto";
import type { Effects } from "./invariants.js";
import type { RetryingClient } from "./retrying-client.js";

export interface World {
  warehouseId: string;
  productIds: string[];
  customerIds: string[];
}

const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

/** A warehouse, 8 products with 400 each in stock, 16 customers: enough that orders both confirm and run out. */
export async function seed(client: RetryingClient): Promise<World> {
  const warehouse = await client.act(
    `mutation($i: OpenWarehouseInput!) { openWarehouse(input: $i) { warehouse { id } errors { code } } }`,
    { code: `W-${randomUUID().slice(0, 8)}`, name: "Fault suite" },
  );
  const warehouseId = warehouse!.payload.warehouse.id;
  const productIds: string[] = [];
  for (let n = 0; n < 8; n++) {
    const product = await client.act(
      `mutation($i: RegisterProductInput!) { registerProduct(input: $i) { product { id } errors { code } } }`,
      {
        sku: `F-${randomUUID().slice(0, 12)}`,
        name: `Fault chair ${n}`,
        unitOfMeasure: "PIECE",
        type: "STOCKED",
        standardCost: { amount: "40.00", currency: "EUR" },
        listPrice: { amount: "99.99", currency: "EUR" },
      },
    );
    productIds.push(product!.payload.product.id);
    await client.act(
      `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { id } errors { code } } }`,
      {
        productId: product!.payload.product.id,
        warehouseId,
        quantity: "400",
        unitCost: { amount: "40.00", currency: "EUR" },
      },
    );
  }
  const customerIds: string[] = [];
  for (let n = 0; n < 16; n++) {
    const customer = await client.act(
      `mutation($i: RegisterCustomerInput!) { registerCustomer(input: $i) { customer { id } errors { code } } }`,
      { name: `Fault customer ${n}` },
    );
    customerIds.push(customer!.payload.customer.id);
  }
  return { warehouseId, productIds, customerIds };
}

/** Places and confirms an order of 1–2 lines; its id goes to the orders that may ship. */
async function orderFlow(client: RetryingClient, world: World, effects: Effects, placed: string[]) {
  const lines = [...new Set([pick(world.productIds), pick(world.productIds)])].map((productId) => ({
    productId,
    quantity: String(1 + Math.floor(Math.random() * 3)),
  }));
  const order = await client.act(
    `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } errors { code } } }`,
    { customerId: pick(world.customerIds), warehouseId: world.warehouseId, currency: "EUR", lines },
  );
  if (!order) effects.unanswered.orders++;
  if (!order?.payload.salesOrder) return;
  effects.orders.set(order.key, order.payload.salesOrder.id);
  await client.act(
    `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { salesOrder { status } errors { code } } }`,
    { salesOrderId: order.payload.salesOrder.id },
  );
  placed.push(order.payload.salesOrder.id);
}

/** Ships what is left of a confirmed order, all of it or half. */
async function shipFlow(client: RetryingClient, effects: Effects, placed: string[]) {
  const id = placed.length ? pick(placed) : undefined;
  if (!id) return;
  const data = await client.read(
    `query($id: ID!) { salesOrder(id: $id) { status lines { id quantity shippedQuantity } } }`,
    { id },
  );
  const order = data?.salesOrder;
  if (!order || !["CONFIRMED", "PARTIALLY_SHIPPED"].includes(order.status)) return;
  const lines = order.lines
    .map((l: any) => ({ orderLineId: l.id, left: Number(l.quantity) - Number(l.shippedQuantity) }))
    .filter((l: any) => l.left > 0)
    .map((l: any) => ({
      orderLineId: l.orderLineId,
      quantity: String(Math.random() < 0.5 ? l.left : Math.ceil(l.left / 2)),
    }));
  if (!lines.length) return;
  const shipped = await client.act(
    `mutation($i: ShipSalesOrderInput!) { shipSalesOrder(input: $i) { shipment { id } errors { code } } }`,
    { salesOrderId: id, lines, carrierReference: "FAULT" },
  );
  if (!shipped) effects.unanswered.shipments++;
  else if (shipped.payload.shipment) effects.shipments.set(shipped.key, shipped.payload.shipment.id);
}

async function paymentFlow(client: RetryingClient, world: World, effects: Effects) {
  const paid = await client.act(
    `mutation($i: RecordPaymentInput!) { recordPayment(input: $i) { payment { id } errors { code } } }`,
    {
      customerId: pick(world.customerIds),
      amount: { amount: "25.00", currency: "EUR" },
      method: "BANK_TRANSFER",
      externalReference: `FAULT-${randomUUID()}`,
    },
  );
  if (!paid) effects.unanswered.payments++;
  else if (paid.payload.payment) effects.payments.set(paid.key, paid.payload.payment.id);
}

async function receiptFlow(client: RetryingClient, world: World, effects: Effects) {
  const received = await client.act(
    `mutation($i: ReceiveStockInput!) { receiveStock(input: $i) { movement { id } errors { code } } }`,
    {
      productId: pick(world.productIds),
      warehouseId: world.warehouseId,
      quantity: "5",
      unitCost: { amount: "41.00", currency: "EUR" },
    },
  );
  if (!received) effects.unanswered.receipts++;
  else if (received.payload.movement) effects.receipts.set(received.key, received.payload.movement.id);
}

/** `concurrency` clients doing a mix of business until `until`: orders, shipments, payments, stock receipts. */
export async function runLoad(
  client: RetryingClient,
  world: World,
  effects: Effects,
  options: { concurrency: number; until: number },
): Promise<void> {
  const placed: string[] = [];
  const worker = async () => {
    while (Date.now() < options.until) {
      const roll = Math.random();
      if (roll < 0.5) await orderFlow(client, world, effects, placed);
      else if (roll < 0.75) await shipFlow(client, effects, placed);
      else if (roll < 0.88) await paymentFlow(client, world, effects);
      else await receiptFlow(client, world, effects);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}
