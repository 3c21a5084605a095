import { PurchaseOrderApproved } from "@erp/contracts";
import { type ActionScope, Dec, fields, type Money, money, parseInput, sql } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { procurementSettings } from "./config.js";
import type { ApprovalsTable, ProcurementDatabase, PurchaseOrdersTable } from "./db.js";
import { ProcurementErrorCode, refuse } from "./errors.js";
import { lockOrder, moveOrder, orderIdSchema, orderLifecycle, toPurchaseOrder } from "./purchase-order.js";
import { assertSupplierActive } from "./supplier.js";

export interface Approval {
  decision: "APPROVED" | "REJECTED";
  by: string;
  at: string;
  comment: string | null;
}

export const toApproval = (row: Selectable<ApprovalsTable>): Approval => ({
  decision: row.decision,
  by: row.decided_by,
  at: new Date(row.decided_at).toISOString(),
  comment: row.comment,
});

/**
 * The approval policy: at or below the first threshold none, above it one approver, above the
 * second two. The thresholds are in one currency; with no exchange rate to compare an order in
 * another currency, it gets the strictest rule (two approvers).
 */
export function requiredApprovals(total: Money): number {
  const policy = procurementSettings();
  if (total.currency !== policy.approvalCurrency) return 2;
  if (new Dec(total.amount).lte(policy.approvalThreshold)) return 0;
  if (new Dec(total.amount).lte(policy.dualApprovalThreshold)) return 1;
  return 2;
}

/** Makes an order APPROVED and tells the other domains, with its approvers in order. */
export async function approveOrder(
  scope: ActionScope<ProcurementDatabase>,
  current: Selectable<PurchaseOrdersTable>,
  approvedBy: string[],
  changes: { required_approvals?: number; submitted_at?: Date } = {},
) {
  const row = await moveOrder(scope, current, "APPROVED", { ...changes, approved_at: scope.now() });
  const order = toPurchaseOrder(row);
  await scope.emit(PurchaseOrderApproved, order.id, {
    purchaseOrderId: order.id,
    number: order.number,
    supplierId: order.supplierId,
    total: order.total,
    approvedBy,
  });
  return order;
}

/**
 * Submits a DRAFT: the approval policy decides from the total how many approvers it needs; with
 * none it is APPROVED at once (and PurchaseOrderApproved emitted), else it waits in PENDING_APPROVAL.
 */
export async function submitPurchaseOrder(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof orderIdSchema>,
) {
  const data = parseInput(orderIdSchema, input);
  const current = await lockOrder(scope.trx, data.purchaseOrderId);
  orderLifecycle.assertTransition(current.status, "PENDING_APPROVAL");
  await assertSupplierActive(scope.trx, current.supplier_id, "purchaseOrderId");
  const needed = requiredApprovals(money(current.total, current.currency.trim()));
  const changes = { required_approvals: needed, submitted_at: scope.now() };
  if (needed === 0) return approveOrder(scope, current, [], changes);
  return toPurchaseOrder(await moveOrder(scope, current, "PENDING_APPROVAL", changes));
}

const decisionSchema = z.object({
  purchaseOrderId: fields.id("purchaseOrderId"),
  comment: fields.optionalText("Comment", 500, { multiline: true }),
});

/** Locks a PENDING_APPROVAL order the caller may decide on: not its requester, not twice. */
async function orderToDecide(scope: ActionScope<ProcurementDatabase>, purchaseOrderId: string) {
  const current = await lockOrder(scope.trx, purchaseOrderId);
  if (current.status !== "PENDING_APPROVAL")
    refuse(
      ProcurementErrorCode.INVALID_STATE_TRANSITION,
      `Only a PENDING_APPROVAL order can be approved or rejected; this one is ${current.status}`,
    );
  if (current.requested_by === scope.actor.subject)
    refuse(ProcurementErrorCode.SELF_APPROVAL, "You requested this order; someone else must decide on it");
  const earlier = await scope.trx
    .selectFrom("procurement.approvals")
    .selectAll()
    .where("purchase_order_id", "=", current.id)
    .orderBy("seq")
    .execute();
  if (earlier.some((a) => a.decided_by === scope.actor.subject))
    refuse(
      ProcurementErrorCode.ALREADY_APPROVED_BY_CALLER,
      "You already approved this order; the next approval must come from someone else",
    );
  return { current, earlier };
}

async function recordDecision(
  scope: ActionScope<ProcurementDatabase>,
  orderId: string,
  decision: "APPROVED" | "REJECTED",
  comment: string | null,
) {
  await scope.trx
    .insertInto("procurement.approvals")
    .values({ purchase_order_id: orderId, decision, decided_by: scope.actor.subject, decided_at: scope.now(), comment })
    .execute();
}

/** Records the caller's approval; the last one the policy needs makes the order APPROVED. */
export async function approvePurchaseOrder(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof decisionSchema>,
) {
  const data = parseInput(decisionSchema, input);
  const { current, earlier } = await orderToDecide(scope, data.purchaseOrderId);
  await assertSupplierActive(scope.trx, current.supplier_id, "purchaseOrderId");
  await recordDecision(scope, current.id, "APPROVED", data.comment);
  const approvers = [...earlier.map((a) => a.decided_by), scope.actor.subject];
  if (approvers.length >= current.required_approvals) return approveOrder(scope, current, approvers);
  const row = await scope.trx
    .updateTable("procurement.purchase_orders")
    .set((eb) => ({ version: eb("version", "+", 1), updated_at: sql`now()` }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("PurchaseOrder", row.id, {
    approval: approvers.length,
    of: current.required_approvals,
    comment: data.comment,
  });
  return toPurchaseOrder(row);
}

const rejectSchema = decisionSchema.extend({ comment: fields.text("Comment", 500, { multiline: true }) });

/** Records the caller's rejection: the order is REJECTED, whatever earlier approvers said. */
export async function rejectPurchaseOrder(
  scope: ActionScope<ProcurementDatabase>,
  input: z.input<typeof rejectSchema>,
) {
  const data = parseInput(rejectSchema, input);
  const { current } = await orderToDecide(scope, data.purchaseOrderId);
  await recordDecision(scope, current.id, "REJECTED", data.comment);
  return toPurchaseOrder(await moveOrder(scope, current, "REJECTED", { status_reason: data.comment }));
}
