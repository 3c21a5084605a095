import { JournalPosted } from "@erp/contracts";
import {
  type ActionScope,
  type BusinessError,
  BusinessRuleViolation,
  businessError,
  currencyScale,
  Dec,
  decimalPlaces,
  fields,
  isUuid,
  money,
  parseInput,
} from "@erp/core";
import type { Selectable, Transaction } from "kysely";
import { z } from "zod";
import { accountingDateWindow, nextLegalDocumentNumber } from "./config.js";
import type { FinanceDatabase, JournalEntriesTable } from "./db.js";
import { FinanceErrorCode, notFound, refuse } from "./errors.js";

export interface JournalEntry {
  id: string;
  number: string;
  entryDate: string;
  description: string;
  source: { type: string; id: string } | null;
  reversesId: string | null;
  postedBy: string;
  postedAt: string;
  cursorPosition: string;
}

export function toJournalEntry(row: Selectable<JournalEntriesTable>): JournalEntry {
  return {
    id: row.id,
    number: row.number,
    entryDate: row.entry_date,
    description: row.description,
    source: row.source_type && row.source_id ? { type: row.source_type, id: row.source_id } : null,
    reversesId: row.reverses_id,
    postedBy: row.posted_by,
    postedAt: new Date(row.posted_at).toISOString(),
    cursorPosition: row.seq,
  };
}

export interface Posting {
  /** An account by code (system postings) or id (manual entries). */
  account: { code: string } | { id: string };
  currency: string;
  debit?: InstanceType<typeof Dec>;
  credit?: InstanceType<typeof Dec>;
}

export interface NewEntry {
  entryDate?: string;
  description: string;
  source?: { type: string; id: string };
  reversesId?: string;
  postings: Posting[];
}

/** Refuses UNBALANCED_ENTRY unless debits equal credits in every currency. */
function assertBalanced(postings: Posting[]): void {
  const sums = new Map<string, InstanceType<typeof Dec>>();
  for (const p of postings)
    sums.set(p.currency, (sums.get(p.currency) ?? new Dec(0)).plus(p.debit ?? 0).minus(p.credit ?? 0));
  const off = [...sums].filter(([, diff]) => !diff.isZero());
  if (postings.length < 2 || off.length)
    refuse(
      FinanceErrorCode.UNBALANCED_ENTRY,
      off.length
        ? `Debits and credits differ by ${off.map(([c, d]) => `${d.abs().toFixed()} ${c}`).join(", ")}`
        : "An entry needs at least two postings",
      "lines",
    );
}

/**
 * A posting finer than its currency's minor unit (a fraction of a yen, a fourth decimal of a dinar)
 * is a rounding bug upstream; refusing it keeps the ledger in amounts a bank can actually move.
 */
function assertMinorUnits(postings: Posting[]): void {
  for (const p of postings)
    for (const amount of [p.debit, p.credit])
      if (amount && decimalPlaces(amount.toFixed()) > currencyScale(p.currency))
        refuse(
          FinanceErrorCode.VALIDATION_FAILED,
          `${amount.toFixed()} ${p.currency} is finer than the currency's ${currencyScale(p.currency)} decimals`,
          "lines",
        );
}

async function accountIds(trx: Transaction<FinanceDatabase>) {
  const rows = await trx.selectFrom("finance.accounts").select(["id", "code"]).execute();
  return { byCode: new Map(rows.map((r) => [r.code, r.id])), ids: new Set(rows.map((r) => r.id)) };
}

/** Posts one balanced entry; the database re-checks the balance at commit and refuses any later change. */
export async function postEntry(scope: ActionScope<FinanceDatabase>, entry: NewEntry): Promise<JournalEntry> {
  const postings = entry.postings.filter(
    (p) => !(p.debit ?? new Dec(0)).isZero() || !(p.credit ?? new Dec(0)).isZero(),
  );
  assertBalanced(postings);
  assertMinorUnits(postings);
  const { byCode } = await accountIds(scope.trx);
  const entryDate = entry.entryDate ?? scope.today();
  const row = await scope.trx
    .insertInto("finance.journal_entries")
    .values({
      number: await nextLegalDocumentNumber(scope.trx, "journal_entry", entryDate),
      entry_date: entryDate,
      description: entry.description,
      source_type: entry.source?.type ?? null,
      source_id: entry.source?.id ?? null,
      reverses_id: entry.reversesId ?? null,
      posted_by: scope.actor.subject,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.trx
    .insertInto("finance.journal_lines")
    .values(
      postings.map((p) => ({
        entry_id: row.id,
        account_id: "id" in p.account ? p.account.id : byCode.get(p.account.code)!,
        currency: p.currency,
        debit: (p.debit ?? new Dec(0)).toFixed(),
        credit: (p.credit ?? new Dec(0)).toFixed(),
      })),
    )
    .execute();
  const journalEntry = toJournalEntry(row);
  await scope.audit("JournalEntry", row.id, { number: row.number, source: entry.source ?? null });
  await scope.emit(JournalPosted, row.id, {
    journalEntryId: row.id,
    number: row.number,
    source: entry.source ?? null,
    reversesId: entry.reversesId ?? null,
  });
  return journalEntry;
}

const moneySchema = fields.money().nullish();
const postSchema = z.object({
  entryDate: fields.dateWithin("Entry date", accountingDateWindow).nullish(),
  description: fields.text("Description", 500, { multiline: true }),
  lines: z
    .array(z.object({ accountId: z.string(), debit: moneySchema, credit: moneySchema }))
    .min(2, "An entry needs at least two postings"),
});

export async function postJournalEntry(scope: ActionScope<FinanceDatabase>, input: z.input<typeof postSchema>) {
  const data = parseInput(postSchema, input);
  const { ids } = await accountIds(scope.trx);
  const errors: BusinessError[] = [];
  const postings: Posting[] = data.lines.map((line, i) => {
    if (!isUuid(line.accountId) || !ids.has(line.accountId))
      errors.push(
        businessError(FinanceErrorCode.ACCOUNT_NOT_FOUND, "The account does not exist", `lines.${i}.accountId`),
      );
    if ((line.debit == null) === (line.credit == null))
      errors.push(businessError(FinanceErrorCode.VALIDATION_FAILED, "Give a debit or a credit", `lines.${i}.debit`));
    const side = line.debit ?? line.credit;
    return {
      account: { id: line.accountId },
      currency: side?.currency ?? "",
      ...(line.debit ? { debit: new Dec(line.debit.amount) } : { credit: new Dec(line.credit?.amount ?? 0) }),
    };
  });
  if (errors.length) throw new BusinessRuleViolation(errors);
  return postEntry(scope, { entryDate: data.entryDate ?? undefined, description: data.description, postings });
}

const reverseSchema = z.object({
  journalEntryId: fields.id("journalEntryId"),
  reason: fields.text("Reason", 500, { multiline: true }),
});

/** The mirror image of an entry, referencing it; a unique index lets an entry be reversed once. */
export async function reverseEntry(
  scope: ActionScope<FinanceDatabase>,
  entryId: string,
  reason: string,
): Promise<JournalEntry> {
  const original = await scope.trx
    .selectFrom("finance.journal_entries")
    .selectAll()
    .where("id", "=", entryId)
    .executeTakeFirst();
  if (!original) return notFound(FinanceErrorCode.JOURNAL_ENTRY_NOT_FOUND, "The journal entry", "journalEntryId");
  if (original.reverses_id)
    refuse(
      FinanceErrorCode.VALIDATION_FAILED,
      "A reversal cannot itself be reversed; post a new entry",
      "journalEntryId",
    );
  const reversed = await scope.trx
    .selectFrom("finance.journal_entries")
    .select("number")
    .where("reverses_id", "=", entryId)
    .executeTakeFirst();
  if (reversed)
    refuse(
      FinanceErrorCode.ALREADY_REVERSED,
      `${original.number} was already reversed by ${reversed.number}`,
      "journalEntryId",
    );
  const lines = await scope.trx
    .selectFrom("finance.journal_lines")
    .selectAll()
    .where("entry_id", "=", entryId)
    .execute();
  return postEntry(scope, {
    description: `Reversal of ${original.number}: ${reason}`,
    reversesId: original.id,
    source:
      original.source_type && original.source_id ? { type: original.source_type, id: original.source_id } : undefined,
    postings: lines.map((l) => ({
      account: { id: l.account_id },
      currency: l.currency.trim(),
      debit: new Dec(l.credit),
      credit: new Dec(l.debit),
    })),
  });
}

export async function reverseJournalEntry(scope: ActionScope<FinanceDatabase>, input: z.input<typeof reverseSchema>) {
  const data = parseInput(reverseSchema, input);
  return reverseEntry(scope, data.journalEntryId, data.reason);
}

export const showMoney = (amount: string | InstanceType<typeof Dec>, currency: string) =>
  money(amount, currency.trim());
