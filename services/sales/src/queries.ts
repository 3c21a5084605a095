import { assertQueryDate, type Connection, keysetPage, type PageArgs } from "@erp/core";
import type { Kysely } from "kysely";
import type { OrderStatus, QuoteStatus, SalesDatabase } from "./db.js";
import { type SalesOrder, toSalesOrder } from "./order.js";
import { type Quote, toQuote } from "./quote.js";

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
  const page = keysetPage({ kind: "SalesOrder", order: "newest first" }, args);
  const { status, customerId, placedFrom, placedTo } = args.filter ?? {};
  assertQueryDate(placedFrom, "filter.placedFrom");
  assertQueryDate(placedTo, "filter.placedTo");
  let query = db.selectFrom("sales.sales_orders").selectAll();
  if (status) query = query.where("status", "=", status);
  if (customerId) query = query.where("customer_id", "=", customerId);
  if (placedFrom) query = query.where("placed_at", ">=", new Date(placedFrom));
  if (placedTo) query = query.where("placed_at", "<", new Date(placedTo));
  return page.fetch(query, toSalesOrder);
}

export async function listQuotes(
  db: Kysely<SalesDatabase>,
  args: PageArgs & { filter?: { status?: QuoteStatus | "EXPIRED" | null; customerId?: string | null } | null },
): Promise<Connection<Quote>> {
  const page = keysetPage({ kind: "Quote", order: "newest first" }, args);
  const { status, customerId } = args.filter ?? {};
  const today = new Date().toISOString().slice(0, 10);
  let query = db.selectFrom("sales.quotes").selectAll();
  if (status === "EXPIRED") query = query.where("status", "=", "SENT").where("valid_until", "<", today);
  else if (status === "SENT") query = query.where("status", "=", "SENT").where("valid_until", ">=", today);
  else if (status) query = query.where("status", "=", status);
  if (customerId) query = query.where("customer_id", "=", customerId);
  return page.fetch(query, toQuote);
}
