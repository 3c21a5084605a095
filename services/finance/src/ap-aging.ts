import { assertQueryDate, Dec, type Money, sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { FinanceDatabase } from "./db.js";
import { showMoney } from "./journal.js";
import type { AgingBuckets } from "./queries.js";

type Bucket = keyof AgingBuckets;
const BUCKETS: Bucket[] = ["current", "days1To30", "days31To60", "days61To90", "over90"];

export interface ApAgingRow {
  supplierId: string;
  supplierName: string;
  currency: string;
  buckets: AgingBuckets;
  total: Money;
}

export interface ApAgingTotal {
  currency: string;
  buckets: AgingBuckets;
  total: Money;
}

export interface ApAging {
  asOf: string;
  suppliers: ApAgingRow[];
  totals: ApAgingTotal[];
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
 * What was owed to suppliers on `asOf`: bills dated up to that day less payments made up to it,
 * by days past due (current, 1–30, 31–60, 61–90, over 90), per supplier and currency, with
 * totals per currency. Suppliers are named as procurement last described them to finance.
 */
export async function apAging(db: Kysely<FinanceDatabase>, asOf: string): Promise<ApAging> {
  assertQueryDate(asOf, "asOf");
  const { rows } = await sql<{
    supplier_id: string;
    name: string | null;
    currency: string;
    bucket: Bucket;
    amount: string;
  }>`
    select b.supplier_id, s.name, b.currency,
           case
             when ${asOf}::date - b.due_date <= 0 then 'current'
             when ${asOf}::date - b.due_date <= 30 then 'days1To30'
             when ${asOf}::date - b.due_date <= 60 then 'days31To60'
             when ${asOf}::date - b.due_date <= 90 then 'days61To90'
             else 'over90' end as bucket,
           sum(b.total - coalesce(p.paid, 0))::text as amount
    from finance.supplier_bills b
    left join (
      select bill_id, sum(amount) as paid from finance.supplier_payments where paid_on <= ${asOf}::date group by bill_id
    ) p on p.bill_id = b.id
    left join finance.known_suppliers s on s.supplier_id = b.supplier_id
    where b.bill_date <= ${asOf}::date and b.total - coalesce(p.paid, 0) > 0
    group by b.supplier_id, s.name, b.currency, 4
    order by s.name, b.supplier_id, b.currency`.execute(db);
  const bySupplier = new Map<string, Map<Bucket, InstanceType<typeof Dec>>>();
  const byCurrency = new Map<string, Map<Bucket, InstanceType<typeof Dec>>>();
  const names = new Map<string, string>();
  for (const r of rows) {
    const currency = r.currency.trim();
    collect(bySupplier, `${r.supplier_id}:${currency}`, r.bucket, r.amount);
    collect(byCurrency, currency, r.bucket, r.amount);
    names.set(r.supplier_id, r.name ?? r.supplier_id);
  }
  return {
    asOf,
    suppliers: [...bySupplier].map(([key, amounts]) => {
      const [supplierId, currency] = key.split(":") as [string, string];
      return {
        supplierId,
        supplierName: names.get(supplierId)!,
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
