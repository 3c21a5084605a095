import { z } from "zod";
import { decimal, defineEvent, documentReference, entityId, money, reason } from "./contract.js";

const quoteEvent = <const T extends string>(type: T) =>
  defineEvent({
    type,
    version: 1,
    source: "sales",
    aggregateType: "Quote",
    payload: z.object({ quoteId: entityId, customerId: entityId }),
  });

export const QuoteCreated = quoteEvent("sales.quote.created");
export const QuoteSent = quoteEvent("sales.quote.sent");
export const QuoteAccepted = quoteEvent("sales.quote.accepted");
export const QuoteRejected = quoteEvent("sales.quote.rejected");

export const OrderPlaced = defineEvent({
  type: "sales.order.placed",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({ orderId: entityId, number: z.string(), customerId: entityId, currency: z.string() }),
});

/**
 * The order confirmation saga's request, answered by two legs: inventory reserves every line
 * (inventory.stock.reserved or inventory.reservation.rejected) and finance checks the gross
 * total against the customer's credit line (finance.credit.approved or finance.credit.refused).
 */
export const OrderConfirmationRequested = defineEvent({
  type: "sales.order.confirmation_requested",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({
    orderId: entityId,
    customerId: entityId,
    /** What inventory's reservations and finance's answer refer to: { type: "SalesOrder", id: orderId }. */
    reference: documentReference,
    warehouseId: entityId,
    /** Gross (tax included), in the currency's own precision. */
    total: money,
    lines: z.array(z.object({ lineId: entityId, productId: entityId, quantity: decimal })),
  }),
});

export const OrderConfirmed = defineEvent({
  type: "sales.order.confirmed",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({ orderId: entityId, customerId: entityId, currency: z.string() }),
});

/** Whatever the saga's legs hold for the order goes back: reservations and the credit hold. */
export const OrderRejected = defineEvent({
  type: "sales.order.rejected",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({ orderId: entityId, reason, reservationIds: z.array(entityId) }),
});

export const OrderCancelled = defineEvent({
  type: "sales.order.cancelled",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({ orderId: entityId, reason: z.string(), reservationIds: z.array(entityId) }),
});

/** Reservations that arrived after the order was already decided; inventory releases them. */
export const OrderReservationsDeclined = defineEvent({
  type: "sales.order.reservations_declined",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({ orderId: entityId, reservationIds: z.array(entityId) }),
});

/** Goods left the warehouse: inventory issues the reserved stock, finance invoices the amounts. */
/**
 * A partly shipped order closed short: nothing more will ship. Per reservation, the quantity its shipments took
 * (issued already, or still on its way to inventory); inventory releases the rest, finance drops the credit hold.
 */
export const OrderClosedShort = defineEvent({
  type: "sales.order.closed_short",
  version: 1,
  source: "sales",
  aggregateType: "SalesOrder",
  payload: z.object({
    orderId: entityId,
    reason: z.string(),
    reservations: z.array(z.object({ reservationId: entityId, shippedQuantity: decimal })),
  }),
});

export const ShipmentDispatched = defineEvent({
  type: "sales.shipment.dispatched",
  version: 1,
  source: "sales",
  aggregateType: "Shipment",
  payload: z.object({
    shipmentId: entityId,
    number: z.string(),
    orderId: entityId,
    orderNumber: z.string(),
    customerId: entityId,
    warehouseId: entityId,
    currency: z.string(),
    lines: z.array(
      z.object({
        orderLineId: entityId,
        reservationId: entityId.nullable(),
        productId: entityId,
        sku: z.string(),
        quantity: decimal,
        unitPrice: decimal,
        discountPercent: decimal,
        taxRate: decimal,
        /** What to invoice for the shipped quantity, rounded the way the order was. */
        netAmount: decimal,
        taxAmount: decimal,
      }),
    ),
  }),
});

/** Every event sales publishes. */
/**
 * Sales' own shipped position, for finance's reconciliation: per currency, how many shipments sales had dispatched
 * by reportedAt (the report transaction's database time, the clock shipments and their events are stamped with).
 * Finance compares it with the ShipmentDispatched events it received, so a shipment event never delivered or
 * dead-lettered is found although finance never heard of it.
 */
export const ShipmentsReported = defineEvent({
  type: "sales.shipments.reported",
  version: 1,
  source: "sales",
  aggregateType: "ShippedPosition",
  payload: z.object({
    reportedAt: z.string().datetime({ offset: true }),
    positions: z.array(z.object({ currency: z.string().regex(/^[A-Z]{3}$/), shipments: z.number().int().min(0) })),
  }),
});

export const salesEvents = [
  QuoteCreated,
  QuoteSent,
  QuoteAccepted,
  QuoteRejected,
  OrderPlaced,
  OrderConfirmationRequested,
  OrderConfirmed,
  OrderRejected,
  OrderCancelled,
  OrderReservationsDeclined,
  OrderClosedShort,
  ShipmentDispatched,
  ShipmentsReported,
] as const;
