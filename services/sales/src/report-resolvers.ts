import type { SalesContext } from "./context.js";
import type { QueryResolvers, Resolvers } from "./generated/resolvers-types.js";
import { type SalesRow, salesReport } from "./sales-report.js";

/** A report row and what it groups by: a customer or a product. */
export type SalesReportRowModel = SalesRow & { by: "customer" | "product" };

const report = async (ctx: SalesContext, by: SalesReportRowModel["by"], from: string, to: string) => {
  const sales = await salesReport(ctx.db, by, from, to);
  return { ...sales, rows: sales.rows.map((row) => ({ ...row, by })) };
};

/** Sales reports by customer and by product. */
export const reportQueries: Pick<QueryResolvers<SalesContext>, "salesByCustomer" | "salesByProduct"> = {
  salesByCustomer: (_, { from, to }, ctx) => report(ctx, "customer", from, to),
  salesByProduct: (_, { from, to }, ctx) => report(ctx, "product", from, to),
};

export const reportTypes: Pick<Resolvers, "SalesReportRow"> = {
  SalesReportRow: {
    customer: (row) => (row.by === "customer" ? { id: row.id } : null),
    product: (row) => (row.by === "product" ? { id: row.id } : null),
  },
};
