import type { OperationRunner, SeedTools } from "@erp/core";
import type { ProcurementDatabase } from "./db.js";

/** Runs the seed's operations as someone else: approvers must not be the requester. */
export type RunnerAs = (subject: string) => OperationRunner;

async function run(execute: OperationRunner, mutation: string, input: Record<string, unknown>) {
  const inputType = `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;
  const result = await execute(
    `mutation($input: ${inputType}!) { ${mutation}(input: $input) { ${SELECTIONS[mutation] ?? "purchaseOrder { id lines { id quantity } }"} errors { code message } } }`,
    { input },
  );
  const payload = result.data && (result.data[mutation] as any);
  if (result.errors?.length || payload?.errors?.length)
    throw new Error(`Procurement seed failed: ${JSON.stringify(result.errors ?? payload.errors)}`);
  return payload;
}

const SELECTIONS: Record<string, string> = {
  registerSupplier: "supplier { id }",
  blockSupplier: "supplier { id }",
  setSupplierPrice: "supplierPrice { id }",
  receiveGoods: "goodsReceipt { id }",
  recordSupplierBill: "supplierBill { id status }",
};

/**
 * Suppliers (one blocked) with prices and preferred suppliers, purchase orders in every state
 * (one approved by two people), receipts, a matched bill and a bill on hold.
 */
export async function seedProcurement(
  execute: OperationRunner,
  tools: SeedTools<ProcurementDatabase>,
  as: RunnerAs,
): Promise<void> {
  const products = await tools.db
    .selectFrom("procurement.known_products")
    .select("product_id")
    .where("status", "=", "ACTIVE")
    .where("type", "=", "STOCKED")
    .where("quantity_precision", "=", 0)
    .orderBy("sku")
    .limit(4)
    .execute();
  const warehouse = await tools.db
    .selectFrom("procurement.known_warehouses")
    .select("warehouse_id")
    .orderBy("code")
    .executeTakeFirst();
  if (products.length < 4 || !warehouse) return;
  const p = products.map((x) => x.product_id);
  const supplier = async (key: string, name: string, terms: number) =>
    (
      await run(execute, "registerSupplier", {
        idempotencyKey: `seed-procurement-supplier-${key}`,
        name,
        taxId: `DE${String(terms).padStart(9, "0")}`,
        currency: "EUR",
        paymentTermsDays: terms,
        contacts: [{ name: `${name} sales desk`, email: `sales@${key}.example`, role: "Sales" }],
      })
    ).supplier.id as string;
  const [bolts, timber, lapsed] = [
    await supplier("bolts", "Bolts & Nuts GmbH", 30),
    await supplier("timber", "Nordic Timber AB", 45),
    await supplier("lapsed", "Lapsed Trading Ltd", 14),
  ];
  await run(execute, "blockSupplier", {
    idempotencyKey: "seed-procurement-block-lapsed",
    supplierId: lapsed,
    reason: "Repeated late deliveries",
  });
  const prices: [string, string, string][] = [
    [bolts, p[0]!, "4.20"],
    [bolts, p[1]!, "6.00"],
    [timber, p[2]!, "12.50"],
    [timber, p[3]!, "3.10"],
  ];
  for (const [i, [supplierId, productId, amount]] of prices.entries())
    await run(execute, "setSupplierPrice", {
      idempotencyKey: `seed-procurement-price-${i}`,
      supplierId,
      productId,
      price: { amount, currency: "EUR" },
      leadTimeDays: 7 + i,
      minimumQuantity: "10",
      preferred: true,
    });
  await seedOrders(execute, as, { bolts, timber, p, warehouseId: warehouse.warehouse_id });
  await tools.settle();
}

async function seedOrders(
  execute: OperationRunner,
  as: RunnerAs,
  ids: { bolts: string; timber: string; p: string[]; warehouseId: string },
) {
  const [first, second] = [as("demo-approver-1@erp.local"), as("demo-approver-2@erp.local")];
  const { bolts, timber, p, warehouseId } = ids;
  const order = async (n: number, supplierId: string, productId: string, quantity: string) =>
    (
      await run(execute, "draftPurchaseOrder", {
        idempotencyKey: `seed-procurement-po-${n}`,
        supplierId,
        lines: [{ productId, quantity }],
      })
    ).purchaseOrder;
  const act = (runner: OperationRunner, mutation: string, n: number, input: Record<string, unknown>) =>
    run(runner, mutation, { idempotencyKey: `seed-procurement-${mutation}-${n}`, ...input });
  const receive = (n: number, o: any, quantity: string) =>
    act(execute, "receiveGoods", n, {
      purchaseOrderId: o.id,
      warehouseId,
      lines: [{ purchaseOrderLineId: o.lines[0].id, quantity }],
    });

  await order(1, bolts, p[0]!, "20"); // DRAFT
  const pending = await order(2, timber, p[2]!, "120"); // 1500.00: one approver needed
  await act(execute, "submitPurchaseOrder", 2, { purchaseOrderId: pending.id }); // PENDING_APPROVAL
  const approved = await order(3, bolts, p[1]!, "50"); // 300.00: approved on submission
  await act(execute, "submitPurchaseOrder", 3, { purchaseOrderId: approved.id });
  const partly = await order(4, timber, p[2]!, "1000"); // 12500.00: two approvers
  await act(execute, "submitPurchaseOrder", 4, { purchaseOrderId: partly.id });
  await act(first, "approvePurchaseOrder", 4, { purchaseOrderId: partly.id, comment: "Season stock" });
  await act(second, "approvePurchaseOrder", 4, { purchaseOrderId: partly.id, comment: "Budget confirmed" });
  await receive(4, partly, "400"); // PARTIALLY_RECEIVED
  const received = await order(5, timber, p[3]!, "100");
  await act(execute, "submitPurchaseOrder", 5, { purchaseOrderId: received.id });
  await receive(5, received, "100"); // RECEIVED; its bill is billed above the price tolerance: ON_HOLD
  await act(execute, "recordSupplierBill", 5, {
    supplierId: timber,
    purchaseOrderId: received.id,
    supplierInvoiceNumber: "NT-2026-0415",
    billDate: new Date().toISOString().slice(0, 10),
    lines: [{ purchaseOrderLineId: received.lines[0].id, quantity: "100", unitPrice: "3.40" }],
  });
  const closed = await order(6, bolts, p[0]!, "30");
  await act(execute, "submitPurchaseOrder", 6, { purchaseOrderId: closed.id });
  await receive(6, closed, "30");
  await act(execute, "recordSupplierBill", 6, {
    supplierId: bolts,
    purchaseOrderId: closed.id,
    supplierInvoiceNumber: "BN-88121",
    billDate: new Date().toISOString().slice(0, 10),
    lines: [{ purchaseOrderLineId: closed.lines[0].id, quantity: "30", unitPrice: "4.20" }],
  }); // MATCHED, and the order CLOSED
  const rejected = await order(7, timber, p[2]!, "200");
  await act(execute, "submitPurchaseOrder", 7, { purchaseOrderId: rejected.id });
  await act(first, "rejectPurchaseOrder", 7, {
    purchaseOrderId: rejected.id,
    comment: "Order from stock on hand first",
  });
  const cancelled = await order(8, bolts, p[1]!, "10");
  await act(execute, "cancelPurchaseOrder", 8, { purchaseOrderId: cancelled.id, reason: "Ordered twice by mistake" });
}

/** Procurement's example in the explorers: purchase orders with their supplier, approvals and inventory's products. */
export const exampleOperation = `# Purchase orders across procurement and inventory.
query PurchaseOrders {
  purchaseOrders(first: 10) {
    nodes {
      number
      status
      total { amount currency }
      supplier { code name status }
      requestedBy
      approvals { decision by at comment }
      lines { quantity receivedQuantity unitPrice { amount } product { id onOrder lastPurchasePrice { amount } } }
      bills { number status total { amount } holdReasons { code message } }
    }
  }
}
`;
