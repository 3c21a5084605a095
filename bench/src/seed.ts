import { type Database, EventBus, type SubgraphModule, subgraphRunner } from "@erp/core";
import { migrateAll, subgraphModules } from "@erp/gateway";
import { SingleBar } from "cli-progress";
import { sql } from "kysely";

/** How much data the benchmark runs on (issue 15: about 1,000 customers, 500 products, 20,000 orders). */
export interface DatasetSize {
  customers: number;
  products: number;
  warehouses: number;
  orders: number;
}

/** Every domain whose outbox the benchmark's work fills. */
export const BENCH_DOMAINS = subgraphModules().map((m) => m.name);

export const FULL_DATASET: DatasetSize = { customers: 1_000, products: 500, warehouses: 3, orders: 20_000 };
export const QUICK_DATASET: DatasetSize = { customers: 100, products: 50, warehouses: 3, orders: 500 };

/** Business operations in flight together while seeding. */
const SEED_CONCURRENCY = 8;

type Runner = ReturnType<typeof subgraphRunner>;

/**
 * Seeds through the business operations (each subgraph's own mutations, events delivered by the
 * bus between domains), so every row is one the ERP itself wrote: customers, products in the
 * warehouses with stock, orders of 1–5 lines; 90% confirmed (reserved, credit-checked), 80% shipped
 * in full (finance invoices each shipment), and two thirds of the shipped orders paid.
 * Returns the seconds it took; 0 when the database already holds the dataset.
 */
export async function seedDataset(database: Database, size: DatasetSize): Promise<number> {
  const modules = subgraphModules();
  await migrateAll(database, modules);
  const db = database.db;
  // The payments come last: with them in place an earlier run finished; otherwise it resumes
  // (every operation carries an idempotency key, so what was done is not done twice).
  const orders = await count(database, "select count(*) as n from sales.sales_orders where notes = 'bench'");
  const paid = await count(
    database,
    "select count(*) as n from finance.payments where external_reference like 'BENCH-%'",
  );
  if (orders >= size.orders && paid > 0) return 0;
  const started = Date.now();
  const run = (name: string): Runner => subgraphRunner(modules.find((m) => m.name === name) as SubgraphModule, db);
  const [crm, inventory, sales, finance] = [run("crm"), run("inventory"), run("sales"), run("finance")];
  const bus = await EventBus.start(database, modules);
  const bar = new SingleBar({
    format: "seeding {step} [{bar}] {value}/{total} ops | {duration_formatted}",
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  });
  const total = size.warehouses + size.products * (1 + size.warehouses) + size.customers + size.orders * 4;
  bar.start(total, 0, { step: "warehouses" });
  try {
    const warehouses = await inParallel(
      bar,
      "warehouses",
      size.warehouses,
      async (w) =>
        (
          await mutate(inventory, "openWarehouse", "warehouse { id }", {
            idempotencyKey: `bench-warehouse-${w}`,
            code: `BW-${w}`,
            name: `Bench warehouse ${w}`,
          })
        ).warehouse.id,
    );
    const products = await inParallel(bar, "products", size.products, async (p) => {
      const price = (5 + (p % 95)).toFixed(2);
      const id = (
        await mutate(inventory, "registerProduct", "product { id }", {
          idempotencyKey: `bench-product-${p}`,
          sku: `BENCH-${String(p).padStart(5, "0")}`,
          name: `Bench product ${p}`,
          unitOfMeasure: "PIECE",
          type: "STOCKED",
          standardCost: { amount: (Number(price) / 2).toFixed(2), currency: "EUR" },
          listPrice: { amount: price, currency: "EUR" },
        })
      ).product.id;
      for (const [w, warehouseId] of warehouses.entries()) {
        await mutate(inventory, "receiveStock", "__typename", {
          idempotencyKey: `bench-stock-${p}-${w}`,
          productId: id,
          warehouseId,
          quantity: "1000000",
          unitCost: { amount: (Number(price) / 2).toFixed(2), currency: "EUR" },
        });
        bar.increment();
      }
      return id as string;
    });
    const customers = await inParallel(
      bar,
      "customers",
      size.customers,
      async (c) =>
        (
          await mutate(crm, "registerCustomer", "customer { id }", {
            idempotencyKey: `bench-customer-${c}`,
            name: `Bench customer ${c}`,
            email: `customer${c}@bench.example`,
          })
        ).customer.id,
    );
    bar.update({ step: "events" });
    await bus.settle(600_000);
    const placed = await inParallel(bar, "orders", size.orders, async (o) => {
      const lines = Array.from({ length: 1 + (o % 5) }, (_, l) => ({
        productId: products[(o * 7 + l * 13) % products.length],
        quantity: String(1 + ((o + l) % 4)),
      }));
      const placed = await mutate(sales, "placeSalesOrder", "salesOrder { id }", {
        idempotencyKey: `bench-order-${size.customers}-${size.products}-${o}`,
        customerId: customers[(o * 31) % customers.length],
        warehouseId: warehouses[o % warehouses.length],
        currency: "EUR",
        notes: "bench",
        lines,
      });
      const id = placed.salesOrder.id as string;
      if (o % 10 !== 9)
        await mutate(sales, "confirmSalesOrder", "__typename", {
          idempotencyKey: `bench-confirm-${o}`,
          salesOrderId: id,
        });
      return id;
    });
    bar.update({ step: "saga" });
    await bus.settle(1_800_000);
    const toShip = await sql<{ id: string; n: number }>`
      select id, row_number() over (order by seq) as n from sales.sales_orders
      where notes = 'bench' and status = 'CONFIRMED'`.execute(db);
    const shippable = toShip.rows.filter((o) => Number(o.n) % 9 !== 0);
    bar.increment(placed.length - shippable.length);
    await inParallel(bar, "shipments", shippable.length, async (i) => {
      const order = shippable[i]!;
      const lines = await sql<{ id: string; quantity: string }>`
        select id, trim_scale(quantity)::text as quantity from sales.lines where order_id = ${order.id}`.execute(db);
      await mutate(sales, "shipSalesOrder", "__typename", {
        idempotencyKey: `bench-ship-${order.id}`,
        salesOrderId: order.id,
        lines: lines.rows.map((l) => ({ orderLineId: l.id, quantity: l.quantity })),
        carrierReference: `BENCH ${i}`,
      });
    });
    bar.update({ step: "invoices" });
    await bus.settle(1_800_000);
    const invoices = await sql<{ customer_id: string; total: string; n: number }>`
      select customer_id, total::text as total, row_number() over (order by seq) as n
      from finance.invoices where status = 'ISSUED'`.execute(db);
    const toPay = invoices.rows.filter((i) => Number(i.n) % 3 !== 0);
    bar.increment(placed.length - toPay.length);
    await inParallel(bar, "payments", toPay.length, async (i) => {
      const invoice = toPay[i]!;
      await mutate(finance, "recordPayment", "__typename", {
        idempotencyKey: `bench-payment-${i}`,
        customerId: invoice.customer_id,
        amount: { amount: Number(invoice.total).toFixed(2), currency: "EUR" },
        method: "BANK_TRANSFER",
        externalReference: `BENCH-${i}`,
      });
    });
    await bus.settle(600_000);
  } finally {
    bar.stop();
    await bus.stop();
  }
  return (Date.now() - started) / 1000;
}

async function count(database: Database, query: string): Promise<number> {
  try {
    const { rows } = await sql.raw<{ n: string }>(query).execute(database.db);
    return Number(rows[0]?.n ?? 0);
  } catch {
    return 0;
  }
}

/** Runs `work` for 0..n-1, SEED_CONCURRENCY at a time, one progress step each. */
async function inParallel<T>(bar: SingleBar, step: string, n: number, work: (i: number) => Promise<T>): Promise<T[]> {
  bar.update({ step });
  const results: T[] = new Array(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      results[i] = await work(i);
      bar.increment();
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEED_CONCURRENCY, n) }, worker));
  return results;
}

/**
 * One business operation; a refusal or error stops the seeding with what went wrong, except sales'
 * backpressure (CONFIRMATION_BACKLOG), which asks for the same request again a moment later.
 */
async function mutate(run: Runner, field: string, selection: string, input: Record<string, unknown>): Promise<any> {
  const type = `${field[0]!.toUpperCase()}${field.slice(1)}Input`;
  const result = await run(
    `mutation($input: ${type}!) { ${field}(input: $input) { ${selection} errors { code message } } }`,
    {
      input,
    },
  );
  const payload = result.data?.[field] as any;
  if (payload?.errors?.[0]?.code === "CONFIRMATION_BACKLOG") {
    await new Promise((r) => setTimeout(r, 500));
    return mutate(run, field, selection, input);
  }
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(
      `seeding ${field} failed: ${JSON.stringify(result.errors ?? payload.errors)} for ${JSON.stringify(input)}}`,
    );
  return payload;
}
