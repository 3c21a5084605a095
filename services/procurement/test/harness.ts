import { randomUUID } from "node:crypto";
import type { Principal } from "@erp/core";
import { newKey, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { sql } from "kysely";
import { beforeAll } from "vitest";
import { procurement } from "../src/index.js";

export const ORDER = `purchaseOrder { id number status version requestedBy requiredApprovals total { amount currency }
  lines { id quantity receivedQuantity billedQuantity unitPrice { amount } amount { amount } }
  approvals { decision by at comment } } errors { code field message }`;

export const BILL = `supplierBill { id number status dueDate total { amount } receivedValue { amount } priceVariance { amount }
  holdReasons { code message lineNumber } releasedBy } errors { code field message }`;

/** A person with the procurement scopes, to act as requester or approver. */
export const person = (subject: string): Principal => ({
  subject,
  kind: "person",
  roles: ["procurement-manager"],
  scopes: ["procurement:read", "procurement:write", "procurement:approve"],
});

/**
 * The shared subgraph harness on the procurement module, plus what procurement learns from
 * inventory's events (a warehouse, products), a supplier with a price, and orders through their life.
 */
export function useProcurement() {
  const env = useSubgraph(procurement);
  const warehouseId = randomUUID();
  beforeAll(() => env.deliver("inventory.warehouse.opened", { warehouseId, code: "W-1", name: "Main" }));

  const mutate = async (
    name: string,
    inputType: string,
    select: string,
    input: Record<string, unknown>,
    as?: string,
  ) => {
    const client = as ? env.as(person(as)) : env.client;
    const { data, errors } = await client.request(`mutation($i: ${inputType}!) { ${name}(input: $i) { ${select} } }`, {
      i: { idempotencyKey: newKey(), ...input },
    });
    if (errors) throw new Error(JSON.stringify(errors));
    return data[name];
  };

  /** A product as inventory announces it: an active stocked item, whole units, unless overridden. */
  async function product(overrides: Record<string, unknown> = {}) {
    const id = randomUUID();
    await env.deliver("inventory.product.registered", {
      productId: id,
      sku: `SKU-${id.slice(0, 6)}`,
      name: "Screws",
      type: "STOCKED",
      status: "ACTIVE",
      quantityPrecision: 0,
      listPrice: { amount: "9.99", currency: "EUR" },
      version: 1,
      ...overrides,
    });
    return id;
  }

  async function supplier(overrides: Record<string, unknown> = {}) {
    const payload = await mutate(
      "registerSupplier",
      "RegisterSupplierInput",
      "supplier { id } errors { code message }",
      {
        name: "Schrauben AG",
        currency: "EUR",
        paymentTermsDays: 30,
        ...overrides,
      },
    );
    return payload.supplier.id as string;
  }

  const draft = (
    supplierId: string,
    lines: Record<string, unknown>[],
    as?: string,
    extra: Record<string, unknown> = {},
  ) => mutate("draftPurchaseOrder", "DraftPurchaseOrderInput", ORDER, { supplierId, lines, ...extra }, as);
  const submit = (purchaseOrderId: string, as?: string) =>
    mutate("submitPurchaseOrder", "SubmitPurchaseOrderInput", ORDER, { purchaseOrderId }, as);
  const approve = (purchaseOrderId: string, as: string) =>
    mutate("approvePurchaseOrder", "ApprovePurchaseOrderInput", ORDER, { purchaseOrderId, comment: "ok" }, as);
  const receive = (purchaseOrderId: string, lines: Record<string, unknown>[], as?: string) =>
    mutate(
      "receiveGoods",
      "ReceiveGoodsInput",
      `goodsReceipt { id number lines { quantity value { amount } } } ${ORDER}`,
      { purchaseOrderId, warehouseId, lines },
      as,
    );
  const bill = (input: Record<string, unknown>, as?: string) =>
    mutate("recordSupplierBill", "RecordSupplierBillInput", BILL, input, as);

  /** An APPROVED order of `quantity` units at `price` (below the approval threshold, so submission approves). */
  async function approvedOrder(quantity = "10", price = "5.00") {
    const [s, p] = [await supplier(), await product()];
    const drafted = await draft(s, [{ productId: p, quantity, unitPrice: price }], "buyer@erp.local");
    const submitted = await submit(drafted.purchaseOrder.id, "buyer@erp.local");
    return { supplierId: s, productId: p, order: submitted.purchaseOrder };
  }

  /** The events procurement wrote to its outbox of a type, oldest first. */
  async function outbox(type: string) {
    const { rows } = await sql<{ payload: any; aggregate_id: string }>`
      select payload, aggregate_id from procurement.outbox_events where type = ${type} order by sequence`.execute(
      env.database.db,
    );
    return rows;
  }

  return Object.assign(env, {
    warehouseId,
    mutate,
    product,
    supplier,
    draft,
    submit,
    approve,
    receive,
    bill,
    approvedOrder,
    outbox,
  });
}

export type ProcurementEnv = SubgraphEnv & ReturnType<typeof useProcurement>;
