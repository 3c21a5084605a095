import type { Kysely } from "kysely";
import { expect } from "vitest";
import type { GraphQLClient } from "./client.js";
import { schemaRowCounts } from "./database.js";
import { newKey } from "./factories.js";

export type PayloadErrors = { code: string; field: string[] | null; message: string }[];

/**
 * Runs a mutation that must be refused (with a fresh idempotency key) and proves it wrote
 * nothing in any table of the domain's schema; returns the payload's business errors.
 */
export async function refusedMutation(
  client: GraphQLClient,
  db: Kysely<unknown>,
  schema: string,
  mutation: string,
  inputType: string,
  input: Record<string, unknown>,
): Promise<PayloadErrors> {
  const before = await schemaRowCounts(db, schema);
  const { data, errors } = await client.request(
    `mutation($i: ${inputType}!) { ${mutation}(input: $i) { errors { code field message } } }`,
    { i: { idempotencyKey: newKey(), ...input } },
  );
  expect(errors).toBeUndefined();
  expect(await schemaRowCounts(db, schema)).toEqual(before);
  return data[mutation].errors;
}

/** The payload errors of a refusal on exactly one field, named by its dotted path ("lines.0.quantity"). */
export const validationFailedOn = (field: string) => [
  expect.objectContaining({ code: "VALIDATION_FAILED", field: field.split(".") }),
];
