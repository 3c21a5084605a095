import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    // Invoices, credit notes and journal entries are numbered without gaps per series and year: a
    // counter row incremented (and so locked) in the issuing transaction, where a sequence would burn
    // numbers on rollback and skip its cached range on an unclean stop.
    sql`
      create table finance.document_counters (
        series text not null,
        year integer not null check (year between 1 and 9999),
        last_number bigint not null check (last_number > 0),
        primary key (series, year)
      )`,
    // Numbers already issued carry on: each year's counter starts at the highest number of that year.
    sql`
      insert into finance.document_counters (series, year, last_number)
      select series, year, max(n) from (
        select 'invoice' as series, extract(year from issued_on)::int as year,
               substring(number from '(\\d+)$')::bigint as n from finance.invoices
        union all
        select 'credit_note', extract(year from issued_at)::int, substring(number from '(\\d+)$')::bigint
          from finance.credit_notes
        union all
        select 'journal_entry', extract(year from entry_date)::int, substring(number from '(\\d+)$')::bigint
          from finance.journal_entries
      ) issued
      where n is not null
      group by series, year`,
    sql`drop sequence finance.invoice_number_seq`,
    sql`drop sequence finance.credit_note_number_seq`,
    sql`drop sequence finance.journal_number_seq`,
  ]);
}
