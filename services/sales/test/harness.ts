import { randomUUID } from "node:crypto";
import { newKey, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { beforeAll } from "vitest";
import { sales } from "../src/index.js";

export const ORDER =
  "salesOrder { id number status lines { quantity unitPrice { amount } netAmount { amount } taxAmount { amount } } subtotal { amount } taxTotal { amount } total { amount } availableActions } errors { code field message }";

/**
 * The shared subgraph harness on the sales module, plus what sales learns from other domains'
 * events (a warehouse, customers, products) and placing an order from the warehouse.
 */
export function useSales() {
  const env = useSubgraph(sales);
  const warehouseId = randomUUID();
  beforeAll(() => env.deliver("inventory.warehouse.opened", { warehouseId, code: "W-1", name: "Main" }));

  /** A customer as CRM announces it: registered (version 1), then blocked or unblocked. */
  async function customer(status = "ACTIVE", version = 1, id: string = randomUUID()) {
    const event = version === 1 ? "registered" : status === "BLOCKED" ? "blocked" : "unblocked";
    await env.deliver(`crm.customer.${event}`, {
      customerId: id,
      code: "C",
      name: "Kunde GmbH",
      status,
      version,
      ...(event === "blocked" && { reason: "Unpaid invoices" }),
    });
    return id;
  }

  /** A product as inventory announces it: an active stocked chair at 99.99 EUR unless overridden. */
  async function product(overrides: Record<string, unknown> = {}) {
    const id = randomUUID();
    await env.deliver("inventory.product.registered", {
      productId: id,
      sku: `SKU-${id.slice(0, 6)}`,
      name: "Chair",
      type: "STOCKED",
      status: "ACTIVE",
      quantityPrecision: 0,
      listPrice: { amount: "99.99", currency: "EUR" },
      version: 1,
      ...overrides,
    });
    return id;
  }

  const place = (customerId: string, lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) =>
    env.client.request(`mutation($i: PlaceSalesOrderInput!) { placeSalesOrder(input: $i) { ${ORDER} } }`, {
      i: { idempotencyKey: newKey(), customerId, warehouseId, currency: "EUR", lines, ...extra },
    });

  return Object.assign(env, { warehouseId, customer, product, place });
}

/** Row counts of every sales table, to prove a refusal wrote nothing. */
export const snapshot = (env: SubgraphEnv) => env.snapshot();
