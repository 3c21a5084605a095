import {
  type ActionScope,
  assertFitsColumn,
  type Clock,
  clockDay,
  currencyScale,
  Dec,
  fields,
  parseInput,
  runScheduledAction,
} from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { interestDateWindow, lateInterestRate } from "./config.js";
import type { FinanceDatabase, InvoicesTable } from "./db.js";
import { postEntry, showMoney } from "./journal.js";

const MAX_DAYS = 3660;
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** Principal still open: payments cover interest first, then principal. */
export function openPrincipal(
  invoice: Pick<Selectable<InvoicesTable>, "total" | "amount_paid" | "interest_accrued" | "amount_credited">,
) {
  const paidToPrincipal = Dec.max(new Dec(0), new Dec(invoice.amount_paid).minus(invoice.interest_accrued));
  return Dec.max(new Dec(0), new Dec(invoice.total).minus(invoice.amount_credited).minus(paidToPrincipal));
}

/**
 * One day's interest: principal × rate / 365 (actual/365) plus yesterday's fractional remainder,
 * rounded half-even to the currency's minor unit (`scale`: EUR 2, JPY 0, BHD 3); the new remainder
 * is carried, so the days of a period add up to the period's interest within one minor unit.
 */
export function dailyInterest(
  principal: InstanceType<typeof Dec>,
  annualRatePercent: string,
  carried: InstanceType<typeof Dec>,
  scale: number,
) {
  const exact = principal.times(annualRatePercent).div(100).div(365).plus(carried);
  const amount = exact.toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN);
  return { amount, remainder: exact.minus(amount) };
}

async function accrueInvoice(
  scope: ActionScope<FinanceDatabase>,
  invoice: Selectable<InvoicesTable>,
  asOf: string,
  rate: string,
) {
  const last = await scope.trx
    .selectFrom("finance.interest_accruals")
    .select(["accrual_date", "remainder"])
    .where("invoice_id", "=", invoice.id)
    .orderBy("accrual_date", "desc")
    .limit(1)
    .executeTakeFirst();
  const principal = openPrincipal(invoice);
  const currency = invoice.currency.trim();
  const scale = currencyScale(currency);
  let carried = new Dec(last?.remainder ?? 0);
  let total = new Dec(0);
  let day = nextDay(last?.accrual_date ?? invoice.due_on);
  for (let n = 0; day <= asOf && n < MAX_DAYS; n++, day = nextDay(day)) {
    const { amount, remainder } = dailyInterest(principal, rate, carried, scale);
    await scope.trx
      .insertInto("finance.interest_accruals")
      .values({
        invoice_id: invoice.id,
        accrual_date: day,
        principal: principal.toFixed(),
        annual_rate: rate,
        amount: amount.toFixed(),
        remainder: remainder.toFixed(),
      })
      .execute();
    carried = remainder;
    total = total.plus(amount);
  }
  if (total.isZero()) return total;
  const accrued = new Dec(invoice.interest_accrued).plus(total);
  assertFitsColumn(`Interest on ${invoice.number}`, accrued.plus(invoice.total), "asOf");
  await scope.trx
    .updateTable("finance.invoices")
    .set((eb) => ({
      interest_accrued: accrued.toFixed(),
      version: eb("version", "+", 1),
    }))
    .where("id", "=", invoice.id)
    .execute();
  await postEntry(scope, {
    entryDate: asOf,
    description: `Late interest on ${invoice.number} to ${asOf}`,
    source: { type: "InterestAccrual", id: `${invoice.id}:${asOf}` },
    postings: [
      { account: { code: "1100" }, currency, debit: total },
      { account: { code: "4100" }, currency, credit: total },
    ],
  });
  await scope.audit("Invoice", invoice.id, { interest: total.toFixed(), asOf });
  return total;
}

/** Each customer's agreed rate, from an active (or suspended) credit line that names one. */
async function customerRates(scope: ActionScope<FinanceDatabase>, customerIds: string[]) {
  if (!customerIds.length) return new Map<string, string>();
  const rows = await scope.trx
    .selectFrom("finance.credit_lines")
    .select(["customer_id", "annual_interest_rate"])
    .where("customer_id", "in", customerIds)
    .where("status", "in", ["ACTIVE", "SUSPENDED"])
    .where("annual_interest_rate", "is not", null)
    .execute();
  return new Map(rows.map((r) => [r.customer_id, new Dec(r.annual_interest_rate!).toFixed()]));
}

const accrueSchema = z.object({ asOf: fields.dateWithin("Interest date", interestDateWindow).nullish() });

/** Accrues late interest on every overdue open invoice up to `asOf`, once per invoice per day. */
export async function accrueInterest(scope: ActionScope<FinanceDatabase>, input: z.input<typeof accrueSchema>) {
  const asOf = parseInput(accrueSchema, input).asOf ?? scope.today();
  const overdue = await scope.trx
    .selectFrom("finance.invoices")
    .selectAll()
    .where("status", "in", ["ISSUED", "PARTIALLY_PAID"])
    .where("due_on", "<", asOf)
    .orderBy("seq")
    .forUpdate()
    .execute();
  const totals = new Map<string, InstanceType<typeof Dec>>();
  let invoices = 0;
  const rates = await customerRates(scope, [...new Set(overdue.map((i) => i.customer_id))]);
  for (const invoice of overdue) {
    const accrued = await accrueInvoice(scope, invoice, asOf, rates.get(invoice.customer_id) ?? lateInterestRate());
    if (accrued.isZero()) continue;
    invoices++;
    const currency = invoice.currency.trim();
    totals.set(currency, (totals.get(currency) ?? new Dec(0)).plus(accrued));
  }
  return { asOf, invoices, accrued: [...totals].map(([currency, amount]) => showMoney(amount, currency)) };
}

/** The daily job: accrue up to yesterday (by the business clock), in its own transaction, as the system. */
export async function scheduledInterestAccrual(db: Kysely<FinanceDatabase>, clock: Clock): Promise<void> {
  const yesterday = clockDay(clock, -1);
  await runScheduledAction(
    db,
    "finance",
    "accrueInterest",
    `interest-${yesterday}`,
    (scope) => accrueInterest(scope, { asOf: yesterday }),
    clock,
  );
}
