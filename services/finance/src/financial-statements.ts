import { assertQueryDate, assertReportPeriod, Dec, type Money, sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { showMoney } from "./journal.js";

type AccountType = "ASSET" | "LIABILITY" | "EQUITY" | "REVENUE" | "EXPENSE";
type Amount = InstanceType<typeof Dec>;

/** One account's net amount in a statement, signed the way the statement reads it (revenue positive). */
export interface StatementLine {
  accountId: string;
  amount: Money;
}

export interface ProfitAndLossInCurrency {
  currency: string;
  revenue: StatementLine[];
  expenses: StatementLine[];
  totalRevenue: Money;
  totalExpenses: Money;
  result: Money;
}

export interface BalanceSheetInCurrency {
  currency: string;
  assets: StatementLine[];
  liabilities: StatementLine[];
  equity: StatementLine[];
  totalAssets: Money;
  totalLiabilities: Money;
  totalEquity: Money;
  currentResult: Money;
  totalLiabilitiesAndEquity: Money;
}

interface AccountSum {
  account_id: string;
  type: AccountType;
  currency: string;
  /** Debits minus credits. */
  net: string;
}

/** Debit-side types read debits minus credits; the others credits minus debits. */
const DEBIT_SIDE: ReadonlySet<AccountType> = new Set(["ASSET", "EXPENSE"]);
const signed = (row: AccountSum): Amount => (DEBIT_SIDE.has(row.type) ? new Dec(row.net) : new Dec(row.net).neg());

/** Net postings per account and currency of entries dated in a period, in one statement, by account code. */
async function accountSums(db: Kysely<FinanceDatabase>, period: { from?: string; to: string }, types: AccountType[]) {
  const { rows } = await sql<AccountSum>`
    /* financialStatementSums */
    select a.id as account_id, a.type, l.currency, sum(l.debit - l.credit)::text as net
    from finance.journal_lines l
    join finance.journal_entries e on e.id = l.entry_id
    join finance.accounts a on a.id = l.account_id
    where e.entry_date <= ${period.to}::date
      and (${period.from ?? null}::date is null or e.entry_date >= ${period.from ?? null}::date)
      and a.type in (${sql.join(types)})
    group by a.id, a.code, a.type, l.currency
    having sum(l.debit - l.credit) <> 0
    order by l.currency, a.code`.execute(db);
  const byCurrency = new Map<string, AccountSum[]>();
  for (const row of rows) {
    const currency = row.currency.trim();
    byCurrency.set(currency, [...(byCurrency.get(currency) ?? []), { ...row, currency }]);
  }
  return byCurrency;
}

/** The lines of one account type and their total, as the statement reads them. */
function section(rows: AccountSum[], type: AccountType, currency: string) {
  const lines = rows.filter((r) => r.type === type);
  const total = lines.reduce((s, r) => s.plus(signed(r)), new Dec(0));
  return {
    lines: lines.map((r) => ({ accountId: r.account_id, amount: showMoney(signed(r), currency) })),
    total,
  };
}

/** Revenue and expenses of entries dated from `from` to `to` (at most a year), per currency, and their result. */
export async function profitAndLoss(db: Kysely<FinanceDatabase>, from: string, to: string) {
  assertReportPeriod(from, to);
  const sums = await accountSums(db, { from, to }, ["REVENUE", "EXPENSE"]);
  const currencies: ProfitAndLossInCurrency[] = [...sums].map(([currency, rows]) => {
    const revenue = section(rows, "REVENUE", currency);
    const expenses = section(rows, "EXPENSE", currency);
    return {
      currency,
      revenue: revenue.lines,
      expenses: expenses.lines,
      totalRevenue: showMoney(revenue.total, currency),
      totalExpenses: showMoney(expenses.total, currency),
      result: showMoney(revenue.total.minus(expenses.total), currency),
    };
  });
  return { from, to, currencies };
}

/**
 * Assets, liabilities and equity of every entry dated up to `asOf`, per currency. Revenue and
 * expenses are never closed into equity by an entry here, so their balance is the current result:
 * assets = liabilities + equity + current result, the trial balance read as a statement.
 */
export async function balanceSheet(db: Kysely<FinanceDatabase>, asOf: string) {
  assertQueryDate(asOf, "asOf");
  const sums = await accountSums(db, { to: asOf }, ["ASSET", "LIABILITY", "EQUITY", "REVENUE", "EXPENSE"]);
  const currencies: BalanceSheetInCurrency[] = [...sums].map(([currency, rows]) => {
    const assets = section(rows, "ASSET", currency);
    const liabilities = section(rows, "LIABILITY", currency);
    const equity = section(rows, "EQUITY", currency);
    const result = section(rows, "REVENUE", currency).total.minus(section(rows, "EXPENSE", currency).total);
    return {
      currency,
      assets: assets.lines,
      liabilities: liabilities.lines,
      equity: equity.lines,
      totalAssets: showMoney(assets.total, currency),
      totalLiabilities: showMoney(liabilities.total, currency),
      totalEquity: showMoney(equity.total, currency),
      currentResult: showMoney(result, currency),
      totalLiabilitiesAndEquity: showMoney(liabilities.total.plus(equity.total).plus(result), currency),
    };
  });
  return { asOf, currencies };
}
