import { actionResolvers, assertIds, capped, pageArgs, present } from "@erp/core";
import type { SalesContext } from "./context.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { cancelSalesOrder, confirmSalesOrder, orderActions, placeSalesOrder } from "./order.js";
import { closeSalesOrderShort } from "./order-closing.js";
import { totals } from "./pricing.js";
import { listOrders, listQuotes } from "./queries.js";
import { acceptQuote, createQuote, rejectQuote, reviseQuote, sendQuote } from "./quote.js";
import { reportQueries, reportTypes } from "./report-resolvers.js";
import { shipSalesOrder } from "./shipment.js";
import { reportShippedPosition } from "./shipped-position.js";

/** A CRM customer as sales refers to it: by id; CRM resolves the rest. */
export interface CustomerReference {
  id: string;
}

/** An inventory product as sales refers to it. */
export interface ProductReference {
  id: string;
}

/** Every sales mutation: the sales:write scope, one transaction, idempotent by its key. */
const act = actionResolvers<SalesContext>();

export const resolvers: Resolvers = {
  Query: {
    salesOrder: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.order.load(id)),
    salesOrders: (_, args, ctx, info) => (
      assertIds({ customerId: args.filter?.customerId }), listOrders(ctx.db, pageArgs(args, info))
    ),
    quote: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.quote.load(id)),
    quotes: (_, args, ctx, info) => (
      assertIds({ customerId: args.filter?.customerId }), listQuotes(ctx.db, pageArgs(args, info))
    ),
    ...reportQueries,
  },
  Mutation: {
    createQuote: act(async (s, input) => ({ quote: await createQuote(s, input) })),
    reviseQuote: act(async (s, input) => ({ quote: await reviseQuote(s, input) })),
    sendQuote: act(async (s, input) => ({ quote: await sendQuote(s, input) })),
    acceptQuote: act((s, input) => acceptQuote(s, input)),
    rejectQuote: act(async (s, input) => ({ quote: await rejectQuote(s, input) })),
    placeSalesOrder: act(async (s, input) => ({ salesOrder: await placeSalesOrder(s, input) })),
    confirmSalesOrder: act(async (s, input) => ({ salesOrder: await confirmSalesOrder(s, input) })),
    cancelSalesOrder: act(async (s, input) => ({ salesOrder: await cancelSalesOrder(s, input) })),
    shipSalesOrder: act((s, input) => shipSalesOrder(s, input)),
    closeSalesOrderShort: act(async (s, input) => ({ salesOrder: await closeSalesOrderShort(s, input) })),
    reportShippedPosition: act((s) => reportShippedPosition(s)),
  },
  ...reportTypes,
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    orders: (customer, { status, ...args }, ctx, info) =>
      listOrders(ctx.db, { ...pageArgs(args, info), filter: { customerId: customer.id, status } }),
  },
  Product: {
    __resolveReference: (ref) => ({ id: ref.id }),
    reservedForOrders: (product, _, ctx) => ctx.loaders.reservedForOrders.load(product.id),
  },
  SalesOrder: {
    __resolveReference: (ref, ctx) => ctx.loaders.order.load(ref.id),
    customer: (order) => ({ id: order.customerId }),
    // A reference inventory resolves; the gateway batches a page's warehouses into one _entities call.
    warehouse: (order) => ({ id: order.warehouseId }),
    // A reference HR resolves; the gateway batches a page's salespeople into one _entities call.
    salesperson: (order) => (order.salespersonId ? { __typename: "Employee" as const, id: order.salespersonId } : null),
    lines: (order, _, ctx) => ctx.loaders.lines.load(`order:${order.id}:${order.currency}`),
    subtotal: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).subtotal,
    taxTotal: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).taxTotal,
    total: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).total,
    quote: (order, _, ctx) => (order.quoteId ? ctx.loaders.quote.load(order.quoteId) : null),
    shipments: (order, _, ctx) => capped(ctx.loaders.shipmentsOfOrder.load(order.id), 100),
    availableActions: (order) => orderActions(order.status),
  },
  SalesOrderLine: {
    product: (line) => ({ id: line.productId }),
  },
  Shipment: {
    __resolveReference: (ref, ctx) => ctx.loaders.shipment.load(ref.id),
    salesOrder: (shipment, _, ctx) => present(ctx.loaders.order.load(shipment.orderId), "SalesOrder"),
  },
  ShipmentLine: {
    product: (line) => ({ id: line.productId }),
    orderLine: (line, _, ctx) => present(ctx.loaders.orderLine.load(line.orderLineId), "SalesOrderLine"),
  },
  Quote: {
    __resolveReference: (ref, ctx) => ctx.loaders.quote.load(ref.id),
    customer: (quote) => ({ id: quote.customerId }),
    lines: (quote, _, ctx) => ctx.loaders.lines.load(`quote:${quote.id}:${quote.currency}`),
    subtotal: async (quote, _, ctx) =>
      totals(await ctx.loaders.lines.load(`quote:${quote.id}:${quote.currency}`), quote.currency).subtotal,
    taxTotal: async (quote, _, ctx) =>
      totals(await ctx.loaders.lines.load(`quote:${quote.id}:${quote.currency}`), quote.currency).taxTotal,
    total: async (quote, _, ctx) =>
      totals(await ctx.loaders.lines.load(`quote:${quote.id}:${quote.currency}`), quote.currency).total,
    salesOrder: (quote, _, ctx) => (quote.salesOrderId ? ctx.loaders.order.load(quote.salesOrderId) : null),
  },
  QuoteLine: {
    product: (line) => ({ id: line.productId }),
  },
};
