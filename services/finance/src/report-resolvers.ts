import { clockDay, present } from "@erp/core";
import { receivablesAging } from "./aging.js";
import type { FinanceContext } from "./context.js";
import { balanceSheet, profitAndLoss } from "./financial-statements.js";
import type { QueryResolvers, Resolvers } from "./generated/resolvers-types.js";

/** Finance's reports: statements from the ledger and receivables aging. */
export const reportQueries: Pick<
  QueryResolvers<FinanceContext>,
  "profitAndLoss" | "balanceSheet" | "receivablesAging"
> = {
  profitAndLoss: (_, { from, to }, ctx) => profitAndLoss(ctx.db, from, to),
  balanceSheet: (_, { asOf }, ctx) => balanceSheet(ctx.db, asOf ?? clockDay(ctx.clock)),
  receivablesAging: (_, __, ctx) => receivablesAging(ctx.db, clockDay(ctx.clock)),
};

export const reportTypes: Pick<Resolvers, "StatementLine" | "ReceivablesAgingRow"> = {
  StatementLine: {
    account: (line, _, ctx) => present(ctx.loaders.account.load(line.accountId), "Account"),
  },
  ReceivablesAgingRow: {
    customer: (row) => ({ id: row.customerId }),
  },
};
