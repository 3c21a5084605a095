import {
  assertQueryDate,
  atLeast,
  atMost,
  below,
  type Connection,
  contains,
  containsPattern,
  defineKeyset,
  equals,
  keysetPage,
  narrow,
  oneOf,
  type PageArgs,
  sql,
} from "@erp/core";
import type { Kysely } from "kysely";
import type { OrderStatus, QuoteStatus, SalesDatabase } from "./db.js";
import { type SalesOrder, toSalesOrder } from "./order.js";
import { type Quote, toQuote } from "./quote.js";

/** An order's total with tax, from its lines (orders keep no total column). */
const orderTotal = sql`(select coalesce(sum(l.net_amount + l.tax_amount), 0) from sales.lines l where l.order_id = o.id)`;
/** The customer's name as sales knows it from CRM's events; empty until the first one arrives. */
const customerName = sql`coalesce((select k.name from sales.known_customers k where k.customer_id = o.customer_id), '')`;

const orderOrder = defineKeyset(
  "SalesOrder",
  {
    CREATED: "o.seq",
    PLACED_AT: "o.placed_at",
    NUMBER: "o.number",
    CUSTOMER: customerName,
    TOTAL: orderTotal,
    STATUS: "o.status",
  },
  "CREATED DESC",
  "o.seq",
);
const quoteOrder = defineKeyset(
  "Quote",
  { CREATED: "seq", NUMBER: "number", VALID_UNTIL: "valid_until", STATUS: "status" },
  "CREATED DESC",
);

export interface OrderFilter {
  status?: OrderStatus | null;
  statuses?: OrderStatus[] | null;
  customerId?: string | null;
  placedFrom?: string | null;
  placedTo?: string | null;
  totalMin?: string | null;
  totalMax?: string | null;
  search?: string | null;
}

/** Orders, newest first unless another order is asked for. */
export async function listOrders(
  db: Kysely<SalesDatabase>,
  args: PageArgs & { filter?: OrderFilter | null },
): Promise<Connection<SalesOrder>> {
  const page = keysetPage(orderOrder, args);
  const f = args.filter ?? {};
  assertQueryDate(f.placedFrom, "filter.placedFrom");
  assertQueryDate(f.placedTo, "filter.placedTo");
  const query = narrow(db.selectFrom("sales.sales_orders as o").selectAll("o"), [
    equals("o.status", f.status),
    oneOf("o.status", f.statuses, "filter.statuses"),
    equals("o.customer_id", f.customerId),
    atLeast("o.placed_at", f.placedFrom),
    below("o.placed_at", f.placedTo),
    atLeast(orderTotal, f.totalMin),
    atMost(orderTotal, f.totalMax),
    numberOrCustomerName(f.search),
  ]);
  return page.fetch(query, toSalesOrder);
}

/** The order number, or the name of the customer as sales knows it: no call to CRM. */
function numberOrCustomerName(search: string | null | undefined) {
  if (!search?.trim()) return undefined;
  const pattern = containsPattern(search.trim());
  return sql<boolean>`(o.number ilike ${pattern} or o.customer_id in (
    select k.customer_id from sales.known_customers k where k.name ilike ${pattern}))`;
}

export interface QuoteFilter {
  status?: QuoteStatus | "EXPIRED" | null;
  customerId?: string | null;
  validFrom?: string | null;
  validTo?: string | null;
  search?: string | null;
}

export async function listQuotes(
  db: Kysely<SalesDatabase>,
  args: PageArgs & { filter?: QuoteFilter | null },
): Promise<Connection<Quote>> {
  const page = keysetPage(quoteOrder, args);
  const f = args.filter ?? {};
  const today = new Date().toISOString().slice(0, 10);
  let query = narrow(db.selectFrom("sales.quotes").selectAll(), [
    equals("customer_id", f.customerId),
    atLeast("valid_until", f.validFrom),
    atMost("valid_until", f.validTo),
    contains(["number"], f.search),
  ]);
  if (f.status === "EXPIRED") query = query.where("status", "=", "SENT").where("valid_until", "<", today);
  else if (f.status === "SENT") query = query.where("status", "=", "SENT").where("valid_until", ">=", today);
  else if (f.status) query = query.where("status", "=", f.status);
  return page.fetch(query, toQuote);
}
