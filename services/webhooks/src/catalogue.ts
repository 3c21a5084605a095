import {
  type EventContract,
  type EventPayload,
  InvoiceIssued,
  OrderConfirmed,
  OrderPlaced,
  OrderRejected,
  PaymentRecorded,
  ReconciliationDiscrepanciesFound,
  ShipmentDispatched,
  StockLow,
} from "@erp/contracts";
import { z } from "zod/v4";

/**
 * One event partners can subscribe to. Its name, version and payload are a public promise,
 * separate from the internal contract it is mapped from: an internal change is absorbed by `map`,
 * and only a change partners must know about raises `version`.
 */
export interface PublicEventType<C extends EventContract = EventContract, P extends z.ZodType = z.ZodType> {
  type: string;
  version: number;
  description: string;
  payload: P;
  /** The internal event it is published from; null for the ping, which no domain emits. */
  from: C | null;
  /** The public payload for one internal event, or null when this one is not for partners. */
  map(internal: EventPayload<C>): z.input<P> | null;
}

const publicEvent = <C extends EventContract, P extends z.ZodType>(event: PublicEventType<C, P>) =>
  event as unknown as PublicEventType;

const id = z.string().describe("An opaque id");
const decimal = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('An exact decimal as a string, e.g. "12.50"');
const money = z.object({ amount: decimal, currency: z.string().length(3).describe("ISO 4217 code") });

/** Every public event, in the order docs/webhooks.md lists them. */
export const PUBLIC_EVENT_TYPES: readonly PublicEventType[] = [
  publicEvent({
    type: "sales.order.placed",
    version: 1,
    description: "A sales order was placed (DRAFT); confirmation follows separately.",
    payload: z.object({ orderId: id, orderNumber: z.string(), customerId: id, currency: z.string().length(3) }),
    from: OrderPlaced,
    map: (p) => ({ orderId: p.orderId, orderNumber: p.number, customerId: p.customerId, currency: p.currency }),
  }),
  publicEvent({
    type: "sales.order.confirmed",
    version: 1,
    description: "A sales order was confirmed: its stock is reserved and its credit approved.",
    payload: z.object({ orderId: id, customerId: id, currency: z.string().length(3) }),
    from: OrderConfirmed,
    map: (p) => ({ orderId: p.orderId, customerId: p.customerId, currency: p.currency }),
  }),
  publicEvent({
    type: "sales.order.rejected",
    version: 1,
    description: "A sales order could not be confirmed (stock or credit refused); the reason says which.",
    payload: z.object({ orderId: id, reason: z.object({ code: z.string(), message: z.string() }) }),
    from: OrderRejected,
    map: (p) => ({ orderId: p.orderId, reason: { code: p.reason.code, message: p.reason.message } }),
  }),
  publicEvent({
    type: "sales.shipment.dispatched",
    version: 1,
    description: "Goods of a sales order left the warehouse.",
    payload: z.object({
      shipmentId: id,
      shipmentNumber: z.string(),
      orderId: id,
      orderNumber: z.string(),
      customerId: id,
      lines: z.array(z.object({ productId: id, sku: z.string(), quantity: decimal })),
    }),
    from: ShipmentDispatched,
    map: (p) => ({
      shipmentId: p.shipmentId,
      shipmentNumber: p.number,
      orderId: p.orderId,
      orderNumber: p.orderNumber,
      customerId: p.customerId,
      lines: p.lines.map((l) => ({ productId: l.productId, sku: l.sku, quantity: l.quantity })),
    }),
  }),
  publicEvent({
    type: "finance.invoice.issued",
    version: 1,
    description: "An invoice was issued to a customer, e.g. for a shipment.",
    payload: z.object({
      invoiceId: id,
      invoiceNumber: z.string(),
      customerId: id,
      salesOrderId: id.nullable(),
      shipmentId: id.nullable(),
      total: money,
    }),
    from: InvoiceIssued,
    map: (p) => ({
      invoiceId: p.invoiceId,
      invoiceNumber: p.number,
      customerId: p.customerId,
      salesOrderId: p.salesOrderId,
      shipmentId: p.shipmentId,
      total: p.total,
    }),
  }),
  publicEvent({
    type: "finance.payment.recorded",
    version: 1,
    description: "A customer's payment was recorded; `allocated` is the part settled against invoices.",
    payload: z.object({ paymentId: id, customerId: id, amount: money, allocated: money }),
    from: PaymentRecorded,
    map: (p) => ({ paymentId: p.paymentId, customerId: p.customerId, amount: p.amount, allocated: p.allocated }),
  }),
  publicEvent({
    type: "inventory.stock.low",
    version: 1,
    description: "A product's available stock in a warehouse fell to or below its reorder point.",
    payload: z.object({ productId: id, warehouseId: id, available: decimal, reorderPoint: decimal }),
    from: StockLow,
    map: (p) => ({
      productId: p.productId,
      warehouseId: p.warehouseId,
      available: p.available,
      reorderPoint: p.reorderPoint,
    }),
  }),
  publicEvent({
    type: "finance.reconciliation.alert_raised",
    version: 1,
    description: "A reconciliation run opened new alerts (a control account differs from its subledger).",
    payload: z.object({ runId: id, discrepancies: z.number().int(), newAlerts: z.number().int() }),
    from: ReconciliationDiscrepanciesFound,
    map: (p) => (p.opened > 0 ? { runId: p.runId, discrepancies: p.discrepancies, newAlerts: p.opened } : null),
  }),
  publicEvent({
    type: "webhook.ping",
    version: 1,
    description: "A test event sent by pingWebhookSubscription to that subscription only; never subscribed to.",
    payload: z.object({ subscriptionId: id, message: z.string() }),
    from: null,
    map: () => null,
  }),
];

export const PING = "webhook.ping";

const byType = new Map(PUBLIC_EVENT_TYPES.map((e) => [e.type, e]));

export const publicEventType = (type: string): PublicEventType | undefined => byType.get(type);

/** The types a subscription may name: every public type but the ping. */
export const SUBSCRIBABLE_TYPES: readonly string[] = PUBLIC_EVENT_TYPES.filter((e) => e.type !== PING).map(
  (e) => e.type,
);

/** The payload's JSON Schema (draft 2020-12), as served by webhookEventTypes and printed in docs/webhooks.md. */
export const payloadJsonSchema = (event: PublicEventType): Record<string, unknown> =>
  z.toJSONSchema(event.payload) as Record<string, unknown>;
