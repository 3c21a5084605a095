import { assertQueryDate, type Connection, decodeCursor, encodeCursor, pageSize, toConnection } from "@erp/core";
import type { Kysely } from "kysely";
import type { OrderStatus, QuoteStatus, SalesDatabase } from "./db.js";
import { type SalesOrder, toSalesOrder } from "./order.js";
import { type Quote, toQuote } from "./quote.js";

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface OrderFilter {
  status?: OrderStatus | null;
  customerId?: string | null;
  placedFrom?: string | null;
  placedTo?: string | null;
}

/** Orders newest first. */
export async function listOrders(
  db: Kysely<SalesDatabase>,
  args: PageArgs & { filter?: OrderFilter | null },
): Promise<Connection<SalesOrder>> {
  const size = pageSize(args.first);
  const after = decodeCursor("SalesOrder", args.after);
  const { status, customerId, placedFrom, placedTo } = args.filter ?? {};
  assertQueryDate(placedFrom, "filter.placedFrom");
  assertQueryDate(placedTo, "filter.placedTo");
  let query = db
    .selectFrom("sales.sales_orders")
    .selectAll()
    .orderBy("seq", "desc")
    .limit(size + 1);
  if (after) query = query.where("seq", "<", after);
  if (status) query = query.where("status", "=", status);
  if (customerId) query = query.where("customer_id", "=", customerId);
  if (placedFrom) query = query.where("placed_at", ">=", new Date(placedFrom));
  if (placedTo) query = query.where("placed_at", "<", new Date(placedTo));
  const rows = await query.execute();
  return toConnection(rows, size, !!after, (r) => encodeCursor("SalesOrder", r.seq), toSalesOrder);
}

export async function listQuotes(
  db: Kysely<SalesDatabase>,
  args: PageArgs & { filter?: { status?: QuoteStatus | "EXPIRED" | null; customerId?: string | null } | null },
): Promise<Connection<Quote>> {
  const size = pageSize(args.first);
  const after = decodeCursor("Quote", args.after);
  const { status, customerId } = args.filter ?? {};
  const today = new Date().toISOString().slice(0, 10);
  let query = db
    .selectFrom("sales.quotes")
    .selectAll()
    .orderBy("seq", "desc")
    .limit(size + 1);
  if (after) query = query.where("seq", "<", after);
  if (status === "EXPIRED") query = query.where("status", "=", "SENT").where("valid_until", "<", today);
  else if (status === "SENT") query = query.where("status", "=", "SENT").where("valid_until", ">=", today);
  else if (status) query = query.where("status", "=", status);
  if (customerId) query = query.where("customer_id", "=", customerId);
  const rows = await query.execute();
  return toConnection(rows, size, !!after, (r) => encodeCursor("Quote", r.seq), toQuote);
}
