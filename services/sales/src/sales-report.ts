import { assertReportPeriod, Dec, type Money, money, sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { SalesDatabase } from "./db.js";

/** A sales report lists at most this many rows (largest net amount first); its totals cover them all. */
export const SALES_REPORT_ROW_CAP = 500;

/** What one customer or product sold in one currency. */
export interface SalesRow {
  id: string;
  name: string;
  /** The product's SKU; the customer's name again for a customer. */
  code: string;
  currency: string;
  orderCount: number;
  quantity: string;
  netAmount: Money;
  taxAmount: Money;
}

export interface SalesTotal {
  currency: string;
  orderCount: number;
  netAmount: Money;
  taxAmount: Money;
}

export interface SalesReport {
  from: string;
  to: string;
  rows: SalesRow[];
  rowCount: number;
  totals: SalesTotal[];
}

/** Statuses of an order that was sold: confirmed and not cancelled since. */
const SOLD = ["CONFIRMED", "PARTIALLY_SHIPPED", "SHIPPED"] as const;

const GROUPINGS = {
  customer: sql`o.customer_id as id, coalesce(c.name, o.customer_id::text) as name, coalesce(c.name, o.customer_id::text) as code`,
  product: sql`l.product_id as id, coalesce(p.name, l.sku) as name, l.sku as code`,
};

/**
 * Orders confirmed from `from` to `to` (at most a year) and not cancelled since, per customer or
 * product and currency: net and tax of their lines as priced on the order. One statement gives the
 * first SALES_REPORT_ROW_CAP rows by net amount and the totals per currency over every order.
 */
export async function salesReport(
  db: Kysely<SalesDatabase>,
  by: keyof typeof GROUPINGS,
  from: string,
  to: string,
): Promise<SalesReport> {
  assertReportPeriod(from, to);
  const { rows } = await sql<{
    kind: "row" | "total";
    id: string | null;
    name: string | null;
    code: string | null;
    currency: string;
    order_count: number;
    quantity: string;
    net: string;
    tax: string;
    row_count: number;
  }>`
    /* salesReport */
    with sold as (
      select ${GROUPINGS[by]}, o.id as order_id, o.currency, l.quantity, l.net_amount, l.tax_amount
      from sales.sales_orders o
      join sales.lines l on l.order_id = o.id
      left join sales.known_customers c on c.customer_id = o.customer_id
      left join sales.known_products p on p.product_id = l.product_id
      where o.status in (${sql.join(SOLD)})
        and o.confirmed_at >= ${from}::date and o.confirmed_at < ${to}::date + 1),
    grouped as (
      select id, name, code, currency, count(distinct order_id)::int as order_count, sum(quantity)::text as quantity,
             sum(net_amount) as net_sum, sum(tax_amount) as tax_sum, count(*) over ()::int as row_count
      from sold group by id, name, code, currency)
    (select 'row' as kind, id, name, code, currency, order_count, quantity, net_sum::text as net, tax_sum::text as tax, row_count
     from grouped order by net_sum desc, name, id, currency limit ${SALES_REPORT_ROW_CAP})
    union all
    select 'total', null, null, null, currency, count(distinct order_id)::int, null, sum(net_amount)::text,
           sum(tax_amount)::text, null
    from sold group by currency`.execute(db);
  const sold = rows.filter((r) => r.kind === "row");
  return {
    from,
    to,
    rowCount: sold[0]?.row_count ?? 0,
    rows: sold.map((r) => {
      const currency = r.currency.trim();
      return {
        id: r.id!,
        name: r.name!,
        code: r.code!,
        currency,
        orderCount: r.order_count,
        quantity: new Dec(r.quantity).toFixed(),
        netAmount: money(r.net, currency),
        taxAmount: money(r.tax, currency),
      };
    }),
    totals: rows
      .filter((r) => r.kind === "total")
      .map((r) => ({
        currency: r.currency.trim(),
        orderCount: r.order_count,
        netAmount: money(r.net, r.currency.trim()),
        taxAmount: money(r.tax, r.currency.trim()),
      }))
      .sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}
