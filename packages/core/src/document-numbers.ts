import { sql, type Transaction } from "kysely";

/** The next human-readable document number from a sequence, e.g. `SO-000042`. */
export async function nextDocumentNumber<DB>(trx: Transaction<DB>, sequence: string, prefix: string): Promise<string> {
  const { rows } = await sql<{ n: string }>`select nextval(${sequence}::regclass)::text as n`.execute(trx);
  return `${prefix}-${rows[0]!.n.padStart(6, "0")}`;
}
