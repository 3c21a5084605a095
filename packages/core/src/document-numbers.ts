import { sql, type Transaction } from "kysely";

/**
 * The next human-readable document number from a sequence, e.g. `SO-000042`. Sequences are fast and
 * never block, but a rolled-back transaction burns its number and a restart may skip a cached range:
 * fine for orders, quotes and codes, not for documents the law wants numbered without gaps.
 */
export async function nextDocumentNumber<DB>(trx: Transaction<DB>, sequence: string, prefix: string): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval(${sequence}::regclass)::text as n`.execute(trx);
  return `${prefix}-${rows[0]!.n.padStart(6, "0")}`;
}

/** Which gapless series a legal document is numbered in, and how its number is written. */
export interface LegalSeries {
  /** The series' key in the counters table, e.g. `invoice`; one counter per series and year. */
  series: string;
  /** The document's year (its issue or entry date's): numbering restarts at 1 each year. */
  year: number;
  /** Written before the year, e.g. `INV` gives `INV-2026-000001`. */
  prefix: string;
}

/**
 * The next gapless number of a legal series (invoices, credit notes, journal entries), e.g.
 * `INV-2026-000042`. It increments the series' counter row in the caller's business transaction,
 * which holds the row's lock until commit: a rolled-back action gives its number back, a killed
 * process leaves no jump, and numbers follow commit order. The price is that documents of one series
 * and year are issued one transaction at a time, so take the number late in the transaction.
 *
 * `counters` is the domain's own table `(series text, year int, last_number bigint, primary key
 * (series, year))`, e.g. `<schema>.document_counters`.
 */
export async function nextLegalNumber<DB>(
  trx: Transaction<DB>,
  counters: string,
  { series, year, prefix }: LegalSeries,
): Promise<string> {
  const { rows } = await sql<{ n: string }>`
    /* nextLegalNumber */
    insert into ${sql.table(counters)} as c (series, year, last_number) values (${series}, ${year}, 1)
    on conflict (series, year) do update set last_number = c.last_number + 1
    returning last_number::text as n`.execute(trx);
  return `${prefix}-${year}-${rows[0]!.n.padStart(6, "0")}`;
}
