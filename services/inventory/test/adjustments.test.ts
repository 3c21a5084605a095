import type { Principal } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { ERRORS, LEVEL, snapshot, useInventory } from "./harness.js";

const env = useInventory();
const clerk: Principal = { subject: "clerk@erp.local", kind: "person", roles: ["warehouse"], scopes: ["inventory:*"] };
const manager: Principal = {
  subject: "manager@erp.local",
  kind: "person",
  roles: ["manager"],
  scopes: ["inventory:*"],
};

const ADJUSTMENT = `adjustment { id quantity value { amount currency } reasonCode status requestedBy decidedBy rejectionReason } stockLevel { ${LEVEL} } ${ERRORS}`;
const adjust = (who: Principal, input: Record<string, unknown>) =>
  env.as(who).request(`mutation($i: AdjustStockInput!) { adjustStock(input: $i) { ${ADJUSTMENT} } }`, {
    i: { idempotencyKey: newKey(), reasonCode: "COUNT", ...input },
  });
const approve = (who: Principal, adjustmentId: string) =>
  env
    .as(who)
    .request(`mutation($i: ApproveStockAdjustmentInput!) { approveStockAdjustment(input: $i) { ${ADJUSTMENT} } }`, {
      i: { idempotencyKey: newKey(), adjustmentId },
    });
const reject = (who: Principal, adjustmentId: string, reason = "Recount first") =>
  env
    .as(who)
    .request(`mutation($i: RejectStockAdjustmentInput!) { rejectStockAdjustment(input: $i) { ${ADJUSTMENT} } }`, {
      i: { idempotencyKey: newKey(), adjustmentId, reason },
    });

describe(`stock adjustments on ${testDatabaseKind()}`, () => {
  it("applies a small correction at once: an ADJUSTMENT movement at average cost", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("20", { unitCost: "5.00" });
    const { data } = await adjust(clerk, { productId: product.id, warehouseId, delta: "-2", reasonCode: "DAMAGED" });
    expect(data.adjustStock.adjustment).toMatchObject({
      quantity: "-2",
      value: { amount: "10.00", currency: "EUR" },
      status: "APPLIED",
      requestedBy: "clerk@erp.local",
      decidedBy: null,
    });
    expect(data.adjustStock.stockLevel.onHand).toBe("18");
    expect(
      await env.count(
        "inventory.stock_movements",
        `product_id = '${product.id}' and kind = 'ADJUSTMENT' and quantity = -2 and reason_code = 'DAMAGED'`,
      ),
    ).toBe(1);
  });

  it("turns a counted quantity into the difference to on hand", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("20", { unitCost: "1.00" });
    const { data } = await adjust(clerk, { productId: product.id, warehouseId, countedQuantity: "23" });
    expect(data.adjustStock.adjustment.quantity).toBe("3");
    expect(data.adjustStock.stockLevel.onHand).toBe("23");
    const same = await adjust(clerk, { productId: product.id, warehouseId, countedQuantity: "23" });
    expect(same.data.adjustStock.errors[0]).toMatchObject({ code: "VALIDATION_FAILED", field: ["countedQuantity"] });
  });

  it("holds a correction above the threshold for approval by someone else, then moves the stock", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("100", { unitCost: "50.00" });
    const pending = await adjust(clerk, { productId: product.id, warehouseId, delta: "-30", reasonCode: "LOST" });
    const adjustment = pending.data.adjustStock.adjustment;
    expect(adjustment).toMatchObject({ status: "PENDING_APPROVAL", value: { amount: "1500.00" } });
    expect(pending.data.adjustStock.stockLevel.onHand).toBe("100");
    expect(await env.count("inventory.stock_movements", `product_id = '${product.id}' and kind = 'ADJUSTMENT'`)).toBe(
      0,
    );
    const listed = await env.client.request(`{ pendingStockAdjustments { id } }`);
    expect(listed.data.pendingStockAdjustments.map((a: any) => a.id)).toContain(adjustment.id);

    const before = await snapshot(env);
    const self = await approve(clerk, adjustment.id);
    expect(self.data.approveStockAdjustment.errors[0].code).toBe("APPROVER_IS_REQUESTER");
    expect(await snapshot(env)).toEqual(before);

    const approved = await approve(manager, adjustment.id);
    expect(approved.data.approveStockAdjustment.adjustment).toMatchObject({
      status: "APPLIED",
      decidedBy: "manager@erp.local",
    });
    expect(approved.data.approveStockAdjustment.stockLevel.onHand).toBe("70");
    expect((await approve(manager, adjustment.id)).data.approveStockAdjustment.errors[0].message).toBe(
      "Stock adjustment cannot move from APPLIED to APPLIED",
    );
  });

  it("refuses a removal larger than the available stock whatever its value, and checks again on approval", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("1", { unitCost: "50.00" });
    const before = await snapshot(env);
    const big = await adjust(clerk, { productId: product.id, warehouseId, delta: "-40", reasonCode: "LOST" });
    expect(big.data.adjustStock).toMatchObject({
      adjustment: null,
      errors: [
        {
          code: "INSUFFICIENT_STOCK",
          field: ["delta"],
          message: `Only 1 of ${product.sku} available to remove (the rest is reserved)`,
        },
      ],
    });
    expect(await snapshot(env)).toEqual(before);

    const stocked = await env.make.stockedProduct("100", { unitCost: "50.00" });
    const pending = (
      await adjust(clerk, {
        productId: stocked.product.id,
        warehouseId: stocked.warehouseId,
        delta: "-60",
        reasonCode: "LOST",
      })
    ).data.adjustStock.adjustment;
    expect(pending.status).toBe("PENDING_APPROVAL");
    // While it waited, 50 were reserved: only 50 remain available, so approval refuses the removal of 60.
    await env.client.request(`mutation($i: ReserveStockInput!) { reserveStock(input: $i) { ${ERRORS} } }`, {
      i: {
        idempotencyKey: newKey(),
        reference: { type: "ServiceJob", id: newKey("JOB") },
        lines: [{ productId: stocked.product.id, warehouseId: stocked.warehouseId, quantity: "50" }],
      },
    });
    const approval = await approve(manager, pending.id);
    expect(approval.data.approveStockAdjustment.errors).toEqual([
      expect.objectContaining({ code: "INSUFFICIENT_STOCK", field: ["delta"] }),
    ]);
    expect(await env.count("inventory.stock_adjustments", `id = '${pending.id}' and status = 'PENDING_APPROVAL'`)).toBe(
      1,
    );
  });

  it("rejects a pending correction without moving stock", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("100", { unitCost: "50.00" });
    const pending = (await adjust(clerk, { productId: product.id, warehouseId, delta: "40", reasonCode: "FOUND" })).data
      .adjustStock.adjustment;
    const rejected = await reject(manager, pending.id, "Double count");
    expect(rejected.data.rejectStockAdjustment.adjustment).toMatchObject({
      status: "REJECTED",
      rejectionReason: "Double count",
      decidedBy: "manager@erp.local",
    });
    expect(rejected.data.rejectStockAdjustment.stockLevel.onHand).toBe("100");
    expect((await approve(manager, pending.id)).data.approveStockAdjustment.errors[0].code).toBe(
      "INVALID_STATE_TRANSITION",
    );
  });

  it("never removes reserved stock, and refuses bad input", async () => {
    const { product, warehouseId } = await env.make.stockedProduct("5", { unitCost: "1.00" });
    await env.client.request(`mutation($i: ReserveStockInput!) { reserveStock(input: $i) { ${ERRORS} } }`, {
      i: {
        idempotencyKey: newKey(),
        reference: { type: "ServiceJob", id: "JOB-1" },
        lines: [{ productId: product.id, warehouseId, quantity: "4" }],
      },
    });
    const before = await snapshot(env);
    expect(
      (await adjust(clerk, { productId: product.id, warehouseId, delta: "-2" })).data.adjustStock.errors[0].code,
    ).toBe("INSUFFICIENT_STOCK");
    expect(
      (await adjust(clerk, { productId: product.id, warehouseId, delta: "-1", countedQuantity: "3" })).data.adjustStock
        .errors[0].code,
    ).toBe("VALIDATION_FAILED");
    expect(
      (await adjust(clerk, { productId: product.id, warehouseId, delta: "1", reasonCode: "bad reason" })).data
        .adjustStock.errors[0].field,
    ).toEqual(["reasonCode"]);
    expect(
      (await approve(manager, "00000000-0000-4000-8000-000000000000")).data.approveStockAdjustment.errors[0].code,
    ).toBe("ADJUSTMENT_NOT_FOUND");
    expect(await snapshot(env)).toEqual(before);
  });
});
