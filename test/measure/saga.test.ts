/**
 * How well the confirmation saga keeps up with the writes, in one process on PostgreSQL:
 * N clients place and confirm orders for a fixed time; prints the accepted pairs per second, the
 * time from confirmSalesOrder to the order's outcome (CONFIRMED or REJECTED), p50 and p99, the
 * queue waits per handler queue, and how long the backlog took to drain after the load stopped.
 * A measurement, not a test (skipped unless asked for); the project's benchmark is `npm run bench`.
 *
 *   MEASURE_SAGA=10,20 TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *     pnpm --filter @erp/e2e exec vitest run measure/saga.test.ts      # 10 clients, 20 s
 */
import { it } from "vitest";
import { clientOf, startSingleProcess } from "../src/harness.js";

const [clients = 10, seconds = 20] = (process.env.MEASURE_SAGA ?? "").split(",").filter(Boolean).map(Number);

it.runIf(process.env.MEASURE_SAGA && process.env.TEST_DATABASE_URL)(
  "measures the confirmation saga under load",
  async () => {
    const erp = await startSingleProcess();
    const client = await clientOf(erp);
    const data = async (query: string, variables?: Record<string, unknown>) => {
      const result = await client.request(query, variables);
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      return result.data;
    };

    const warehouseId = (
      await data(
        `mutation { openWarehouse(input: { idempotencyKey: "m-w", code: "M", name: "M" }) { warehouse { id } } }`,
      )
    ).openWarehouse.warehouse.id;
    const productId = (
      await data(
        `mutation { registerProduct(input: { idempotencyKey: "m-p", sku: "M-1", name: "M", unitOfMeasure: PIECE, type: STOCKED, standardCost: { amount: "1.00", currency: "EUR" }, listPrice: { amount: "2.00", currency: "EUR" } }) { product { id } } }`,
      )
    ).registerProduct.product.id;
    await data(
      `mutation($p: ID!, $w: ID!) { receiveStock(input: { idempotencyKey: "m-r", productId: $p, warehouseId: $w, quantity: "10000000", unitCost: { amount: "1.00", currency: "EUR" } }) { errors { code } } }`,
      { p: productId, w: warehouseId },
    );
    const customers: string[] = [];
    for (let i = 0; i < clients; i++)
      customers.push(
        (
          await data(
            `mutation($k: String!) { registerCustomer(input: { idempotencyKey: $k, name: $k }) { customer { id } } }`,
            {
              k: `m-c-${i}`,
            },
          )
        ).registerCustomer.customer.id,
      );
    await erp.settle();

    const pending = async (): Promise<number> => {
      const { rows } = await erp.database.executeRaw(
        "select count(*)::int as n from sales.sales_orders where status = 'PENDING_CONFIRMATION'",
      );
      return rows[0].n;
    };

    const confirmedAt = new Map<string, number>();
    const started = Date.now();
    const until = started + seconds * 1000;
    let failures = 0;
    await Promise.all(
      customers.map(async (customerId, c) => {
        for (let i = 0; Date.now() < until; i++) {
          const placed = await client.request(
            `mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { salesOrder { id } errors { code } } }`,
            {
              i: {
                idempotencyKey: `m-o-${c}-${i}`,
                customerId,
                warehouseId,
                currency: "EUR",
                lines: [{ productId, quantity: "1" }],
              },
            },
          );
          const id = placed.data?.placeSalesOrder?.salesOrder?.id;
          if (!id) {
            failures++;
            continue;
          }
          const sent = Date.now();
          const confirmed = await client.request(
            `mutation($i: ConfirmSalesOrderInput!) { confirmSalesOrder(input: $i) { errors { code } } }`,
            { i: { idempotencyKey: `m-k-${c}-${i}`, salesOrderId: id } },
          );
          if (confirmed.errors || confirmed.data?.confirmSalesOrder?.errors?.length) failures++;
          else confirmedAt.set(id, sent);
        }
      }),
    );
    const loadEnded = Date.now();
    const pendingAtEnd = await pending();
    await erp.settle();
    const drained = Date.now();

    const { rows } = await erp.database.executeRaw(`
      select id, status, coalesce(confirmed_at, updated_at) as outcome_at from sales.sales_orders
      where status in ('CONFIRMED', 'REJECTED')`);
    const latencies = rows
      .filter((r: { id: string }) => confirmedAt.has(r.id))
      .map((r: { id: string; outcome_at: Date }) => new Date(r.outcome_at).getTime() - confirmedAt.get(r.id)!)
      .sort((a, b) => a - b);
    const pct = (values: number[], p: number) =>
      values[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;
    // Queue waits: from a job's creation to its start, per handler queue (pg-boss's job table, for measuring only).
    const waits = await erp.database.executeRaw(`
      select name, count(*)::int as jobs,
        round(avg(extract(epoch from started_on - created_on) * 1000))::int as avg_ms,
        round(percentile_cont(0.99) within group (order by extract(epoch from started_on - created_on) * 1000))::int as p99_ms
      from pgboss.job where name like 'sales.order.confirmation_requested:%' or name like '%:sales.confirm-order%'
        or name like '%:sales.reject-order%'
      group by name order by name`);

    console.log(
      JSON.stringify(
        {
          clients,
          seconds,
          acceptedPairsPerSecond: Math.round((confirmedAt.size / ((loadEnded - started) / 1000)) * 10) / 10,
          accepted: confirmedAt.size,
          failures,
          outcomes: latencies.length,
          confirmationToOutcomeMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), max: latencies.at(-1) },
          ordersPendingWhenLoadStopped: pendingAtEnd,
          drainAfterLoadMs: drained - loadEnded,
          queueWaits: waits.rows,
        },
        null,
        2,
      ),
    );
    await erp.stop();
  },
  900_000,
);
