import { ShipmentDispatched } from "@erp/contracts";
import {
  type ActionScope,
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  Dec,
  decimalPlaces,
  fields,
  isDecimalString,
  nextDocumentNumber,
  parseInput,
} from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import type { SalesDatabase, ShipmentsTable } from "./db.js";
import { SalesErrorCode } from "./errors.js";
import { lockOrder, moveOrder, orderLifecycle, type SalesOrder } from "./order.js";
import { lineAmounts } from "./pricing.js";

export interface Shipment {
  id: string;
  number: string;
  orderId: string;
  carrierReference: string | null;
  shippedAt: string;
}

/**
 * What this shipment bills for a line: the line's amount for everything shipped so far minus
 * its amount for what was shipped before, so partial shipments add up to the order exactly.
 */
function shippedAmounts(
  quantity: InstanceType<typeof Dec>,
  line: { unit_price: string; discount_percent: string; tax_rate: string; shipped_quantity: string },
  currency: string,
) {
  const amounts = (q: InstanceType<typeof Dec>) =>
    lineAmounts(q, new Dec(line.unit_price), new Dec(line.discount_percent), new Dec(line.tax_rate), currency);
  const before = amounts(new Dec(line.shipped_quantity));
  const after = amounts(new Dec(line.shipped_quantity).plus(quantity));
  return { netAmount: after.net.minus(before.net).toFixed(), taxAmount: after.tax.minus(before.tax).toFixed() };
}

export const toShipment = (row: Selectable<ShipmentsTable>): Shipment => ({
  id: row.id,
  number: row.number,
  orderId: row.order_id,
  carrierReference: row.carrier_reference,
  shippedAt: new Date(row.shipped_at).toISOString(),
});

const shipSchema = z.object({
  salesOrderId: fields.id("salesOrderId"),
  lines: z.array(z.object({ orderLineId: z.string(), quantity: z.string() })).min(1, "Ship at least one line"),
  carrierReference: fields.optionalText("Carrier reference", 100),
});

/**
 * Ships part or all of what is still to ship: never more than ordered minus shipped. The
 * shipment event asks inventory to issue the reserved stock (ISSUE movements that reference
 * the shipment) and tells finance what to invoice.
 */
export async function shipSalesOrder(
  scope: ActionScope<SalesDatabase>,
  input: z.input<typeof shipSchema>,
): Promise<{
  shipment: Shipment & { lines: { orderLineId: string; productId: string; quantity: string }[] };
  salesOrder: SalesOrder;
}> {
  const data = parseInput(shipSchema, input);
  const current = await lockOrder(scope.trx, data.salesOrderId);
  if (current.status !== "CONFIRMED" && current.status !== "PARTIALLY_SHIPPED") {
    orderLifecycle.assertTransition(current.status, "SHIPPED");
  }
  const lines = await scope.trx
    .selectFrom("sales.lines")
    .selectAll()
    .where("order_id", "=", current.id)
    .orderBy("line_number")
    .execute();
  // Shipped quantities must fit the product's unit, as inventory will insist when it issues them.
  const known = await scope.trx
    .selectFrom("sales.known_products")
    .select(["product_id", "quantity_precision"])
    .where(
      "product_id",
      "in",
      lines.map((l) => l.product_id),
    )
    .execute();
  const precisions = new Map(known.map((p) => [p.product_id, p.quantity_precision]));
  const byId = new Map(lines.map((l) => [l.id, l]));
  const errors: BusinessError[] = [];
  const shipping = new Map<string, InstanceType<typeof Dec>>();
  for (const [i, line] of data.lines.entries()) {
    const orderLine = byId.get(line.orderLineId);
    if (!orderLine) {
      errors.push(
        businessError(SalesErrorCode.ORDER_LINE_NOT_FOUND, "No such line on this order", `lines.${i}.orderLineId`),
      );
      continue;
    }
    const precision = precisions.get(orderLine.product_id) ?? 0;
    if (!isDecimalString(line.quantity) || new Dec(line.quantity).lte(0) || decimalPlaces(line.quantity) > precision) {
      errors.push(
        businessError(
          SalesErrorCode.VALIDATION_FAILED,
          `Quantity must be positive with at most ${precision} decimal places`,
          `lines.${i}.quantity`,
        ),
      );
      continue;
    }
    const total = (shipping.get(orderLine.id) ?? new Dec(0)).plus(line.quantity);
    const open = new Dec(orderLine.quantity).minus(orderLine.shipped_quantity);
    if (total.gt(open))
      errors.push(
        businessError(
          SalesErrorCode.OVER_SHIPMENT,
          `Line ${orderLine.line_number} has ${open.toFixed()} left to ship`,
          `lines.${i}.quantity`,
        ),
      );
    shipping.set(orderLine.id, total);
  }
  if (errors.length) throw new BusinessRuleViolation(errors);
  const number = await nextDocumentNumber(scope.trx, "sales.shipment_number_seq", "SH");
  const shipmentRow = await scope.trx
    .insertInto("sales.shipments")
    .values({
      number,
      order_id: current.id,
      carrier_reference: data.carrierReference,
      shipped_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const shippedLines = [];
  for (const [lineId, quantity] of shipping) {
    const line = byId.get(lineId)!;
    await scope.trx
      .insertInto("sales.shipment_lines")
      .values({
        shipment_id: shipmentRow.id,
        line_id: lineId,
        product_id: line.product_id,
        quantity: quantity.toFixed(),
      })
      .execute();
    await scope.trx
      .updateTable("sales.lines")
      .set({ shipped_quantity: new Dec(line.shipped_quantity).plus(quantity).toFixed() })
      .where("id", "=", lineId)
      .execute();
    shippedLines.push({ line, quantity });
  }
  const complete = lines.every((l) => new Dec(l.shipped_quantity).plus(shipping.get(l.id) ?? 0).eq(l.quantity));
  const salesOrder = await moveOrder(scope, current, complete ? "SHIPPED" : "PARTIALLY_SHIPPED");
  const shipment = {
    ...toShipment(shipmentRow),
    lines: shippedLines.map(({ line, quantity }) => ({
      orderLineId: line.id,
      productId: line.product_id,
      quantity: quantity.toFixed(),
    })),
  };
  await scope.emit(ShipmentDispatched, shipment.id, {
    shipmentId: shipment.id,
    number: shipment.number,
    orderId: current.id,
    orderNumber: current.number,
    customerId: current.customer_id,
    warehouseId: current.warehouse_id,
    currency: salesOrder.currency,
    lines: shippedLines.map(({ line, quantity }) => ({
      orderLineId: line.id,
      reservationId: line.reservation_id,
      productId: line.product_id,
      sku: line.sku,
      quantity: quantity.toFixed(),
      unitPrice: new Dec(line.unit_price).toFixed(),
      discountPercent: new Dec(line.discount_percent).toFixed(),
      taxRate: new Dec(line.tax_rate).toFixed(),
      // What to invoice for the shipped quantity, rounded the way the order was.
      ...shippedAmounts(quantity, line, salesOrder.currency),
    })),
  });
  return { shipment, salesOrder };
}
