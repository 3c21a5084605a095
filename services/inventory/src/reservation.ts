import { ReservationReleased, StockIssued, StockReserved } from "@erp/contracts";
import {
  type ActionScope,
  type BusinessError,
  BusinessRuleViolation,
  Dec,
  defineStateMachine,
  fields,
  parseInput,
  sql,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { InventoryDatabase, ReservationStatus, ReservationsTable } from "./db.js";
import { InventoryErrorCode, notFound, refuse } from "./errors.js";
import { type DocumentReference, recordMovement, type StockMovement } from "./movement.js";
import { findStockedProduct } from "./product.js";
import { assertQuantity, quantityProblem, showQuantity } from "./quantity.js";
import { documentReference } from "./stock.js";
import { assertAvailable, changeStockLevel, lockStockLevel } from "./stock-level.js";
import { outflowValue, valueMoney } from "./valuation.js";
import { findWarehouse } from "./warehouse.js";

export type { ReservationStatus };

export const reservationLifecycle = defineStateMachine<ReservationStatus>("Reservation", {
  ACTIVE: ["CONSUMED", "RELEASED"],
  CONSUMED: [],
  RELEASED: [],
});

export interface Reservation {
  id: string;
  productId: string;
  warehouseId: string;
  quantity: string;
  issuedQuantity: string;
  reference: DocumentReference;
  status: ReservationStatus;
  createdAt: string;
}

export function toReservation(row: Selectable<ReservationsTable>): Reservation {
  return {
    id: row.id,
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(row.quantity),
    issuedQuantity: showQuantity(row.issued_quantity),
    reference: { type: row.reference_type, id: row.reference_id },
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const reserveSchema = z.object({
  reference: documentReference,
  lines: z
    .array(z.object({ productId: fields.id("productId"), warehouseId: fields.id("warehouseId"), quantity: z.string() }))
    .min(1, "Give at least one line")
    .max(100, "At most 100 lines"),
});

type Line = z.infer<typeof reserveSchema>["lines"][number];
type CheckedLine = Line & { sku: string; amount: InstanceType<typeof Dec>; index: number };

/**
 * A sales order's reservations belong to its confirmation saga: a hand-made reservation naming an order would be
 * taken as the saga's answer, and a hand-made release or issue would change what the order holds behind its back.
 */
function refuseSalesOrderReference(type: string, field: string): void {
  if (type.replace(/[^a-z]/gi, "").toLowerCase() === "salesorder")
    refuse(
      InventoryErrorCode.SALES_ORDER_RESERVATION,
      "A sales order's reservations are made, released and issued only by the order's own confirmation, cancellation and shipments",
      field,
    );
}

/** Who acts on a reservation: a person through the graph, or a sales order's saga (an event handler). */
export type ReservationCaller = "manual" | "order-saga";

/** The graph's reserveStock: any reference but a sales order's. */
export async function reserveStockByHand(scope: ActionScope<InventoryDatabase>, input: z.input<typeof reserveSchema>) {
  const data = parseInput(reserveSchema, input);
  refuseSalesOrderReference(data.reference.type, "reference.type");
  return reserveStock(scope, data);
}

/** Reserves every line or none: one failing line refuses the whole request, listing each failure. */
export async function reserveStock(scope: ActionScope<InventoryDatabase>, input: z.input<typeof reserveSchema>) {
  const data = parseInput(reserveSchema, input);
  const lines = await checkLines(scope.trx, data.lines);
  await holdStock(scope, lines);
  const rows = [];
  for (const line of lines)
    rows.push(
      await scope.trx
        .insertInto("inventory.reservations")
        .values({
          product_id: line.productId,
          warehouse_id: line.warehouseId,
          quantity: line.amount.toFixed(),
          reference_type: data.reference.type,
          reference_id: data.reference.id,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
  const reservations = rows.map(toReservation);
  for (const r of reservations)
    await scope.audit("Reservation", r.id, { reference: r.reference, quantity: r.quantity });
  await scope.emit(StockReserved, `${data.reference.type}:${data.reference.id}`, {
    reference: data.reference,
    reservations: reservations.map(({ id, productId, warehouseId, quantity }) => ({
      id,
      productId,
      warehouseId,
      quantity,
    })),
  });
  return reservations;
}

async function checkLines(trx: Transaction<InventoryDatabase>, lines: Line[]): Promise<CheckedLine[]> {
  const errors: BusinessError[] = [];
  const checked: CheckedLine[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      const product = await findStockedProduct(trx, line.productId, `lines.${index}.productId`);
      await findWarehouse(trx, line.warehouseId, `lines.${index}.warehouseId`);
      const problem = quantityProblem(line.quantity, { unit: product.unit_of_measure });
      if (problem) refuse(InventoryErrorCode.VALIDATION_FAILED, problem, `lines.${index}.quantity`);
      checked.push({ ...line, sku: product.sku, amount: new Dec(line.quantity), index });
    } catch (error) {
      if (!(error instanceof BusinessRuleViolation)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length) throw new BusinessRuleViolation(errors);
  return checked;
}

/** Locks each product × warehouse once, in a global order, and checks the summed quantity per level. */
async function holdStock(scope: ActionScope<InventoryDatabase>, lines: CheckedLine[]): Promise<void> {
  const byLevel = new Map<string, CheckedLine[]>();
  for (const line of lines)
    byLevel.set(`${line.productId}:${line.warehouseId}`, [
      ...(byLevel.get(`${line.productId}:${line.warehouseId}`) ?? []),
      line,
    ]);
  const errors: BusinessError[] = [];
  const holds = [];
  for (const key of [...byLevel.keys()].sort()) {
    const group = byLevel.get(key)!;
    const total = group.reduce((sum, l) => sum.plus(l.amount), new Dec(0));
    const level = await lockStockLevel(scope.trx, group[0]!.productId, group[0]!.warehouseId);
    try {
      assertAvailable(level, total, `lines.${group[0]!.index}.quantity`, group[0]!.sku);
      holds.push({ level: level!, total });
    } catch (error) {
      if (!(error instanceof BusinessRuleViolation)) throw error;
      errors.push(...error.errors);
    }
  }
  if (errors.length) throw new BusinessRuleViolation(errors);
  for (const { level, total } of holds) await changeStockLevel(scope, level, { reserved: total });
}

async function lockReservation(trx: Transaction<InventoryDatabase>, id: string) {
  const row = await trx
    .selectFrom("inventory.reservations")
    .selectAll()
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  return row ?? notFound(InventoryErrorCode.RESERVATION_NOT_FOUND, "The reservation", "reservationId");
}

const releaseSchema = z.object({ reservationId: fields.id("reservationId") });

export async function releaseReservation(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof releaseSchema>,
  caller: ReservationCaller = "manual",
) {
  const data = parseInput(releaseSchema, input);
  const reservation = await lockReservation(scope.trx, data.reservationId);
  if (caller === "manual") refuseSalesOrderReference(reservation.reference_type, "reservationId");
  reservationLifecycle.assertTransition(reservation.status, "RELEASED");
  const remaining = new Dec(reservation.quantity).minus(reservation.issued_quantity);
  const level = (await lockStockLevel(scope.trx, reservation.product_id, reservation.warehouse_id))!;
  await changeStockLevel(scope, level, { reserved: remaining.negated() });
  const row = await saveReservation(scope.trx, reservation.id, { status: "RELEASED" });
  await scope.audit("Reservation", row.id, { released: showQuantity(remaining) });
  await scope.emit(ReservationReleased, row.id, {
    reservationId: row.id,
    reference: { type: row.reference_type, id: row.reference_id },
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(remaining),
  });
  return { reservation: toReservation(row) };
}

/**
 * A sales order closed short keeps, of a reservation, what its shipments took (their issue may still be on the
 * way) and gives the rest back to available stock. Without shipments the whole reservation is released.
 */
export async function trimReservationToShipped(
  scope: ActionScope<InventoryDatabase>,
  reservationId: string,
  shippedQuantity: string,
): Promise<void> {
  const reservation = await lockReservation(scope.trx, reservationId);
  if (reservation.status !== "ACTIVE") return;
  const keep = Dec.max(shippedQuantity, reservation.issued_quantity);
  if (keep.isZero()) {
    await releaseReservation(scope, { reservationId }, "order-saga");
    return;
  }
  const surplus = new Dec(reservation.quantity).minus(keep);
  if (!surplus.gt(0)) return;
  const level = (await lockStockLevel(scope.trx, reservation.product_id, reservation.warehouse_id))!;
  await changeStockLevel(scope, level, { reserved: surplus.negated() });
  const row = await saveReservation(scope.trx, reservation.id, {
    quantity: keep.toFixed(),
    ...(keep.eq(reservation.issued_quantity) && { status: "CONSUMED" as const }),
  });
  await scope.audit("Reservation", row.id, { released: showQuantity(surplus), kept: showQuantity(keep) });
  await scope.emit(ReservationReleased, row.id, {
    reservationId: row.id,
    reference: { type: row.reference_type, id: row.reference_id },
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(surplus),
  });
}

const issueSchema = z.object({
  reservationId: fields.id("reservationId"),
  quantity: z.string().nullish(),
  source: documentReference.nullish(),
});

/** Issues all or part of a reservation: on hand and reserved fall together; fully issued means CONSUMED. */
export async function issueReservedStock(
  scope: ActionScope<InventoryDatabase>,
  input: z.input<typeof issueSchema>,
  caller: ReservationCaller = "manual",
): Promise<{ reservation: Reservation; movement: StockMovement }> {
  const data = parseInput(issueSchema, input);
  const reservation = await lockReservation(scope.trx, data.reservationId);
  if (caller === "manual") refuseSalesOrderReference(reservation.reference_type, "reservationId");
  if (reservation.status !== "ACTIVE") reservationLifecycle.assertTransition(reservation.status, "CONSUMED");
  const product = await findStockedProduct(scope.trx, reservation.product_id, "reservationId", {
    allowDiscontinued: true,
  });
  const remaining = new Dec(reservation.quantity).minus(reservation.issued_quantity);
  const quantity = data.quantity
    ? assertQuantity(data.quantity, { unit: product.unit_of_measure }, "quantity")
    : remaining;
  if (quantity.gt(remaining))
    refuse(
      InventoryErrorCode.RESERVATION_EXCEEDED,
      `Only ${showQuantity(remaining)} of ${product.sku} still reserved`,
      "quantity",
    );
  const level = (await lockStockLevel(scope.trx, reservation.product_id, reservation.warehouse_id))!;
  const value = outflowValue(level, quantity);
  await changeStockLevel(scope, level, {
    onHand: quantity.negated(),
    reserved: quantity.negated(),
    value: value.negated(),
  });
  const issued = new Dec(reservation.issued_quantity).plus(quantity);
  const row = await saveReservation(scope.trx, reservation.id, {
    issued_quantity: issued.toFixed(),
    ...(issued.eq(reservation.quantity) && { status: "CONSUMED" as const }),
  });
  const movement = await recordMovement(scope, {
    kind: "ISSUE",
    productId: reservation.product_id,
    warehouseId: reservation.warehouse_id,
    quantity: quantity.negated(),
    unitCost: new Dec(level.average_unit_cost),
    value: value.negated(),
    source: data.source ?? { type: reservation.reference_type, id: reservation.reference_id },
  });
  await scope.audit("Reservation", row.id, { issued: showQuantity(quantity), movementId: movement.id });
  await scope.emit(StockIssued, row.id, {
    reservationId: row.id,
    movementId: movement.id,
    reference: { type: row.reference_type, id: row.reference_id },
    productId: row.product_id,
    warehouseId: row.warehouse_id,
    quantity: showQuantity(quantity),
    unitCost: movement.exactUnitCost,
    // Positive like the issued quantity: the cost of goods the ledger posts.
    value: valueMoney(value),
    source: movement.source,
  });
  return { reservation: toReservation(row), movement };
}

async function saveReservation(
  trx: Transaction<InventoryDatabase>,
  id: string,
  changes: Partial<{ status: ReservationStatus; issued_quantity: string; quantity: string }>,
) {
  return trx
    .updateTable("inventory.reservations")
    .set({ ...changes, updated_at: sql`now()` })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
