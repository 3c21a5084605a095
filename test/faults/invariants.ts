import type { Database } from "@erp/core";
import { SUBGRAPHS } from "@erp/gateway";
import type { RetryingClient } from "./retrying-client.js";
import { sleep } from "./retrying-client.js";

/** What each client's idempotency key produced, as the client was told: key → the id of its effect. */
export interface Effects {
  orders: Map<string, string>;
  payments: Map<string, string>;
  receipts: Map<string, string>;
  shipments: Map<string, string>;
  /** Keys whose client gave up without an answer: each may have taken effect once, unseen. */
  unanswered: Record<"orders" | "payments" | "receipts" | "shipments", number>;
}

const rows = async (sql: Database, text: string) => (await sql.executeRaw(text)).rows;

/** Until no outbox holds an unpublished event and no job waits, or `withinMs` passed (then it throws). */
export async function settle(sql: Database, withinMs: number): Promise<void> {
  const outbox = SUBGRAPHS.map(
    (s) => `(select count(*) from ${s.module.name}.outbox_events where published_at is null)`,
  );
  const deadline = Date.now() + withinMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      [last] = await rows(
        sql,
        `select (${outbox.join(" + ")})::int as unpublished,
           (select count(*) from pgboss.job where name like '%:%' and state in ('created', 'retry', 'active'))::int as pending`,
      );
      const { unpublished, pending } = last as { unpublished: number; pending: number };
      if (unpublished === 0 && pending === 0) return;
    } catch {
      // a terminated connection of our own pool: ask again
    }
    await sleep(500);
  }
  throw new Error(`not settled within ${withinMs / 1000} s: ${JSON.stringify(last)}`);
}

/** Waits for the confirmation timeout to end what no leg answered; returns how many are still pending. */
export async function waitForNoPendingConfirmation(sql: Database, withinMs: number): Promise<number> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const [{ n }] = await rows(
      sql,
      `select count(*)::int as n from sales.sales_orders where status = 'PENDING_CONFIRMATION'`,
    );
    if (n === 0 || Date.now() > deadline) return n;
    await sleep(2_000);
  }
}

/** Each key's effect exists once: every id a client was told exists, and no row exists that no key explains. */
async function oneEffectPerKey(sql: Database, effects: Effects): Promise<string[]> {
  const problems: string[] = [];
  const check = async (what: keyof Effects["unanswered"], told: Map<string, string>, table: string, where = "true") => {
    const ids = new Set((await rows(sql, `select id::text as id from ${table} where ${where}`)).map((r) => r.id));
    const toldIds = new Set(told.values());
    const missing = [...toldIds].filter((id) => !ids.has(id));
    if (missing.length) problems.push(`${what}: ${missing.length} answered ids do not exist`);
    if (toldIds.size !== told.size) problems.push(`${what}: two keys were answered with one id`);
    if (ids.size > told.size + effects.unanswered[what])
      problems.push(
        `${what}: ${ids.size} rows for ${told.size} keys answered and ${effects.unanswered[what]} unanswered`,
      );
  };
  await check("orders", effects.orders, "sales.sales_orders");
  await check("payments", effects.payments, "finance.payments", "external_reference like 'FAULT-%'");
  await check("shipments", effects.shipments, "sales.shipments");
  await check(
    "receipts",
    effects.receipts,
    "inventory.stock_movements",
    "kind = 'RECEIPT' and quantity = 5 and unit_cost = 41",
  );
  // A key the client never heard back on may have taken effect once: the count allows for it, nothing more.
  const [keys] = await rows(
    sql,
    `select (select count(*) from sales.idempotency_keys where operation = 'placeSalesOrder')::int as orders,
            (select count(*) from sales.sales_orders)::int as rows`,
  );
  if (keys.rows > keys.orders) problems.push(`sales orders: ${keys.rows} rows for ${keys.orders} keys`);
  return problems;
}

/** The books after the faults: every invariant of the issue, each a list of problems (empty when it holds). */
export async function checkInvariants(sql: Database, client: RetryingClient, effects: Effects) {
  const list = async (text: string) => (await rows(sql, text)).map((r) => JSON.stringify(r));
  const deadLetters = await retryDeadLetters(sql, client);
  // The positions other domains report for reconciliation, sent now and delivered before it runs.
  for (const mutation of ["reportShippedPosition", "checkStockLedger", "reportUninvoicedReceipts"])
    await client.act(
      `mutation($i: ${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input!) { ${mutation}(input: $i) { errors { code } } }`,
      {},
    );
  await settle(sql, 120_000).catch(() => undefined);
  const run = await client.act(
    `mutation($i: RunReconciliationInput!) { runReconciliation(input: $i) { run { outcome discrepancies } errors { code } } }`,
    {},
  );
  const invariants = {
    "the trial balance is zero": await list(
      `select currency, sum(debit) - sum(credit) as off from finance.journal_lines group by currency having sum(debit) <> sum(credit)`,
    ),
    "reconciliation raises no alert": [
      ...(run?.payload.run?.outcome === "OK" ? [] : [`run: ${JSON.stringify(run?.payload)}`]),
      ...(await list(`select kind, expected, found from finance.reconciliation_alerts where status = 'OPEN'`)),
    ],
    "on hand equals the sum of movements": await list(
      `select l.product_id, l.warehouse_id, l.on_hand, coalesce(sum(m.quantity), 0) as moved
       from inventory.stock_levels l left join inventory.stock_movements m
         on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
       group by l.product_id, l.warehouse_id, l.on_hand having l.on_hand <> coalesce(sum(m.quantity), 0)`,
    ),
    "reserved equals the active reservations": await list(
      `select l.product_id, l.reserved, coalesce(sum(r.quantity - r.issued_quantity), 0) as held
       from inventory.stock_levels l left join inventory.reservations r
         on r.product_id = l.product_id and r.warehouse_id = l.warehouse_id and r.status = 'ACTIVE'
       group by l.product_id, l.warehouse_id, l.reserved having l.reserved <> coalesce(sum(r.quantity - r.issued_quantity), 0)`,
    ),
    "no idempotency key produced two effects": await oneEffectPerKey(sql, effects),
    "every confirmed order has its reservations": await list(
      `select o.number, o.status, l.line_number from sales.sales_orders o join sales.lines l on l.order_id = o.id
       left join inventory.reservations r on r.id = l.reservation_id and r.reference_id = o.id::text
       where o.status in ('CONFIRMED', 'PARTIALLY_SHIPPED', 'SHIPPED', 'CLOSED') and r.id is null`,
    ),
    "no rejected or cancelled order holds stock": await list(
      `select o.number, o.status, r.id from sales.sales_orders o
       join inventory.reservations r on r.reference_id = o.id::text and r.status = 'ACTIVE'
       where o.status in ('REJECTED', 'CANCELLED')`,
    ),
    "every shipment has exactly one invoice": await list(
      `select s.number, count(i.id) as invoices from sales.shipments s left join finance.invoices i on i.shipment_id = s.id
       group by s.id, s.number having count(i.id) <> 1`,
    ),
    "no order is left pending confirmation": await list(
      `select number from sales.sales_orders where status = 'PENDING_CONFIRMATION'`,
    ),
    "dead letters are none, or retried to completion": deadLetters.stillFailing,
  };
  return { invariants, deadLettersRetried: deadLetters.listed };
}

/** Lists failed deliveries, retries each through the graph, and reports those still failing afterwards. */
async function retryDeadLetters(sql: Database, client: RetryingClient) {
  const failed = await client.read(`{ failedEvents(status: FAILED) { id handler eventType error } }`);
  for (const f of failed?.failedEvents ?? [])
    await client.act(
      `mutation($i: RetryFailedEventInput!) { retryFailedEvent(input: $i) { errors { code message } } }`,
      { failedEventId: f.id },
    );
  await settle(sql, 120_000).catch(() => undefined);
  const still = await client.read(`{ failedEvents(status: FAILED) { handler eventType error } }`);
  return {
    listed: (failed?.failedEvents ?? []).map((f: any) => `${f.eventType} → ${f.handler}: ${f.error}`.slice(0, 200)),
    stillFailing: (still?.failedEvents ?? []).map((f: any) =>
      `${f.eventType} → ${f.handler}: ${f.error}`.slice(0, 200),
    ),
  };
}
