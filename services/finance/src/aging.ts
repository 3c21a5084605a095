import { assertQueryDate, Dec, type Money, sql } from "@erp/core";
import type { Kysely, RawBuilder } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { showMoney } from "./journal.js";
import type { AgingBuckets } from "./queries.js";

type Bucket = keyof AgingBuckets;
const BUCKETS: Bucket[] = ["current", "days1To30", "days31To60", "days61To90", "over90"];

/** An aging report lists at most this many suppliers or customers (by name); its totals cover them all. */
export const AGING_PARTY_CAP = 500;

/** One supplier's or customer's open amounts in one currency, by days past due. */
export interface AgingRow {
  partyId: string;
  partyName: string;
  currency: string;
  buckets: AgingBuckets;
  total: Money;
}

export interface AgingTotal {
  currency: string;
  buckets: AgingBuckets;
  total: Money;
}

export interface Aging {
  asOf: string;
  rows: AgingRow[];
  /** How many parties have something open; more than `rows` holds when above the cap. */
  partyCount: number;
  totals: AgingTotal[];
}

export type ApAgingRow = AgingRow & { supplierId: string; supplierName: string };

export interface ApAging {
  asOf: string;
  suppliers: ApAgingRow[];
  supplierCount: number;
  totals: AgingTotal[];
}

export type ReceivablesAgingRow = AgingRow & { customerId: string; customerName: string };

export interface ReceivablesAging {
  asOf: string;
  customers: ReceivablesAgingRow[];
  customerCount: number;
  totals: AgingTotal[];
}

function toBuckets(amounts: Map<Bucket, InstanceType<typeof Dec>>, currency: string): AgingBuckets {
  return Object.fromEntries(
    BUCKETS.map((b) => [b, showMoney(amounts.get(b) ?? new Dec(0), currency)]),
  ) as unknown as AgingBuckets;
}

function collect<K>(groups: Map<K, Map<Bucket, InstanceType<typeof Dec>>>, key: K, bucket: Bucket, amount: string) {
  const amounts = groups.get(key) ?? new Map<Bucket, InstanceType<typeof Dec>>();
  amounts.set(bucket, (amounts.get(bucket) ?? new Dec(0)).plus(amount));
  groups.set(key, amounts);
}

const sum = (amounts: Map<Bucket, InstanceType<typeof Dec>>) =>
  [...amounts.values()].reduce((s, a) => s.plus(a), new Dec(0));

/**
 * Open items `(party_id, party_name, currency, due_date, open)` aged on `asOf` by days past due
 * (current, 1–30, 31–60, 61–90, over 90): one statement gives the first AGING_PARTY_CAP parties by
 * name, per currency, and the totals per currency over every party.
 */
async function aging(db: Kysely<FinanceDatabase>, openItems: RawBuilder<unknown>, asOf: string): Promise<Aging> {
  const { rows } = await sql<{
    party_id: string | null;
    party_name: string | null;
    currency: string;
    bucket: Bucket;
    amount: string;
    party_count: number | null;
  }>`
    /* aging */
    with items as (${openItems}),
    bucketed as (
      select party_id, party_name, currency, open,
             case
               when ${asOf}::date - due_date <= 0 then 'current'
               when ${asOf}::date - due_date <= 30 then 'days1To30'
               when ${asOf}::date - due_date <= 60 then 'days31To60'
               when ${asOf}::date - due_date <= 90 then 'days61To90'
               else 'over90' end as bucket
      from items where open > 0),
    parties as (
      select party_id, party_name, count(*) over ()::int as party_count
      from (select distinct party_id, party_name from bucketed) p
      order by party_name, party_id limit ${AGING_PARTY_CAP})
    select b.party_id, b.party_name, b.currency, b.bucket, sum(b.open)::text as amount, max(p.party_count) as party_count
    from bucketed b join parties p on p.party_id = b.party_id
    group by b.party_id, b.party_name, b.currency, b.bucket
    union all
    select null, null, currency, bucket, sum(open)::text, null from bucketed group by currency, bucket
    order by 2, 1, 3`.execute(db);
  const byParty = new Map<string, Map<Bucket, InstanceType<typeof Dec>>>();
  const byCurrency = new Map<string, Map<Bucket, InstanceType<typeof Dec>>>();
  const names = new Map<string, string>();
  let partyCount = 0;
  for (const r of rows) {
    const currency = r.currency.trim();
    if (r.party_id === null) {
      collect(byCurrency, currency, r.bucket, r.amount);
      continue;
    }
    collect(byParty, `${r.party_id}:${currency}`, r.bucket, r.amount);
    names.set(r.party_id, r.party_name ?? r.party_id);
    partyCount = r.party_count ?? partyCount;
  }
  return {
    asOf,
    partyCount,
    rows: [...byParty].map(([key, amounts]) => {
      const [partyId, currency] = key.split(":") as [string, string];
      const partyName = names.get(partyId)!;
      return {
        partyId,
        partyName,
        currency,
        buckets: toBuckets(amounts, currency),
        total: showMoney(sum(amounts), currency),
      };
    }),
    totals: [...byCurrency].map(([currency, amounts]) => ({
      currency,
      buckets: toBuckets(amounts, currency),
      total: showMoney(sum(amounts), currency),
    })),
  };
}

/**
 * What was owed to suppliers on `asOf`: bills dated up to that day less payments made up to it,
 * per supplier and currency (the first AGING_PARTY_CAP suppliers by name), with totals per
 * currency. Suppliers are named as procurement last described them to finance.
 */
export async function apAging(db: Kysely<FinanceDatabase>, asOf: string): Promise<ApAging> {
  assertQueryDate(asOf, "asOf");
  const report = await aging(
    db,
    sql`
      select b.supplier_id as party_id, coalesce(s.name, b.supplier_id::text) as party_name, b.currency,
             b.due_date, b.total - coalesce(p.paid, 0) as open
      from finance.supplier_bills b
      left join (
        select bill_id, sum(amount) as paid from finance.supplier_payments where paid_on <= ${asOf}::date group by bill_id
      ) p on p.bill_id = b.id
      left join finance.known_suppliers s on s.supplier_id = b.supplier_id
      where b.bill_date <= ${asOf}::date`,
    asOf,
  );
  return {
    asOf,
    suppliers: report.rows.map((r) => ({ ...r, supplierId: r.partyId, supplierName: r.partyName })),
    supplierCount: report.partyCount,
    totals: report.totals,
  };
}

/**
 * What customers owe now, aged on `today`: every open invoice's balance due (total and interest
 * less payments and credit notes), per customer and currency (the first AGING_PARTY_CAP customers
 * by name), with totals per currency.
 */
export async function receivablesAging(db: Kysely<FinanceDatabase>, today: string): Promise<ReceivablesAging> {
  const report = await aging(
    db,
    sql`
      select i.customer_id as party_id, coalesce(c.name, i.customer_id::text) as party_name, i.currency,
             i.due_on as due_date, i.total + i.interest_accrued - i.amount_paid - i.amount_credited as open
      from finance.invoices i
      left join finance.known_customers c on c.customer_id = i.customer_id
      where i.status in ('ISSUED', 'PARTIALLY_PAID')`,
    today,
  );
  return {
    asOf: today,
    customers: report.rows.map((r) => ({ ...r, customerId: r.partyId, customerName: r.partyName })),
    customerCount: report.partyCount,
    totals: report.totals,
  };
}
