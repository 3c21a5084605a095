import { type ActionScope, assertIds, runBusinessAction } from "@erp/core";
import type { SalesContext } from "./context.js";
import type { SalesDatabase } from "./db.js";
import type { Resolvers } from "./generated/resolvers-types.js";
import { cancelSalesOrder, confirmSalesOrder, orderActions, placeSalesOrder } from "./order.js";
import { totals } from "./pricing.js";
import { listOrders, listQuotes } from "./queries.js";
import { acceptQuote, createQuote, rejectQuote, reviseQuote, sendQuote } from "./quote.js";
import { shipSalesOrder } from "./shipment.js";

/** A CRM customer as sales refers to it: by id; CRM resolves the rest. */
export interface CustomerReference {
  id: string;
}

/** An inventory product as sales refers to it. */
export interface ProductReference {
  id: string;
}

type Input = { idempotencyKey: string } & Record<string, unknown>;

/** Every sales mutation: the sales:write scope, one transaction, idempotent by its key. */
function act<P extends object>(
  ctx: SalesContext,
  operation: string,
  input: Input,
  work: (s: ActionScope<SalesDatabase>) => Promise<P>,
) {
  return runBusinessAction(ctx, { operation, input }, work);
}

export const resolvers: Resolvers = {
  Query: {
    salesOrder: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.order.load(id)),
    salesOrders: (_, args, ctx) => (assertIds({ customerId: args.filter?.customerId }), listOrders(ctx.db, args)),
    quote: (_, { id }, ctx) => (assertIds({ id }), ctx.loaders.quote.load(id)),
    quotes: (_, args, ctx) => (assertIds({ customerId: args.filter?.customerId }), listQuotes(ctx.db, args)),
  },
  Mutation: {
    createQuote: (_, { input }, ctx) =>
      act(ctx, "createQuote", input, async (s) => ({ quote: await createQuote(s, input) })),
    reviseQuote: (_, { input }, ctx) =>
      act(ctx, "reviseQuote", input, async (s) => ({ quote: await reviseQuote(s, input) })),
    sendQuote: (_, { input }, ctx) => act(ctx, "sendQuote", input, async (s) => ({ quote: await sendQuote(s, input) })),
    acceptQuote: (_, { input }, ctx) => act(ctx, "acceptQuote", input, (s) => acceptQuote(s, input)),
    rejectQuote: (_, { input }, ctx) =>
      act(ctx, "rejectQuote", input, async (s) => ({ quote: await rejectQuote(s, input) })),
    placeSalesOrder: (_, { input }, ctx) =>
      act(ctx, "placeSalesOrder", input, async (s) => ({ salesOrder: await placeSalesOrder(s, input) })),
    confirmSalesOrder: (_, { input }, ctx) =>
      act(ctx, "confirmSalesOrder", input, async (s) => ({ salesOrder: await confirmSalesOrder(s, input) })),
    cancelSalesOrder: (_, { input }, ctx) =>
      act(ctx, "cancelSalesOrder", input, async (s) => ({ salesOrder: await cancelSalesOrder(s, input) })),
    shipSalesOrder: (_, { input }, ctx) => act(ctx, "shipSalesOrder", input, (s) => shipSalesOrder(s, input)),
  },
  Customer: {
    __resolveReference: (ref) => ({ id: ref.id }),
    orders: (customer, args, ctx) =>
      listOrders(ctx.db, { ...args, filter: { customerId: customer.id, status: args.status } }),
  },
  Product: {
    __resolveReference: (ref) => ({ id: ref.id }),
    reservedForOrders: (product, _, ctx) => ctx.loaders.reservedForOrders.load(product.id),
  },
  SalesOrder: {
    __resolveReference: (ref, ctx) => ctx.loaders.order.load(ref.id),
    customer: (order) => ({ id: order.customerId }),
    lines: (order, _, ctx) => ctx.loaders.lines.load(`order:${order.id}:${order.currency}`),
    subtotal: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).subtotal,
    taxTotal: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).taxTotal,
    total: async (order, _, ctx) =>
      totals(await ctx.loaders.lines.load(`order:${order.id}:${order.currency}`), order.currency).total,
    quote: (order, _, ctx) => (order.quoteId ? ctx.loaders.quote.load(order.quoteId) : null),
    shipments: (order, _, ctx) => ctx.loaders.shipmentsOfOrder.load(order.id),
    availableActions: (order) => orderActions(order.status),
  },
  SalesOrderLine: {
    product: (line) => ({ id: line.productId }),
  },
  ShipmentLine: {
    product: (line) => ({ id: line.productId }),
  },
  Quote: {
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
