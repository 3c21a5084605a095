import { isoDay } from "@erp/core";
import { newKey, refusedMutation, testDatabaseKind, validationFailedOn } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useSales } from "./harness.js";

const env = useSales();
let customerId: string;
let productId: string;
let warehouseId: string;

beforeAll(async () => {
  [customerId, productId, warehouseId] = [await env.customer(), await env.product(), env.warehouseId];
});

/** Runs a mutation that must be refused and proves it wrote nothing in any sales table. */
const refused = (mutation: string, type: string, input: Record<string, unknown>) =>
  refusedMutation(env.client, env.database.db, "sales", mutation, type, input);

const only = validationFailedOn;
const line = (quantity: string, unitPrice = "10.00") => ({ productId, quantity, unitPrice, taxRate: "19" });
const order = (lines: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  customerId,
  warehouseId,
  currency: "EUR",
  lines,
  ...extra,
});
const quote = (validUntil: string, extra: Record<string, unknown> = {}) => ({
  customerId,
  currency: "EUR",
  validUntil,
  lines: [line("1")],
  ...extra,
});

describe(`sales refuses amounts its columns cannot hold on ${testDatabaseKind()}`, () => {
  it("refuses a line of 999999999999 × 99999999999999.9999, naming the line", async () => {
    const lines = [line("999999999999", "99999999999999.9999")];
    const errors = await refused("placeSalesOrder", "PlaceSalesOrderInput", order(lines));
    expect(errors).toEqual(only("lines.0"));
    expect(errors[0]!.message).toMatch(/too large/);
  });

  it("refuses a quantity of 10^30, naming the line's quantity", async () => {
    const errors = await refused("placeSalesOrder", "PlaceSalesOrderInput", order([line(`1${"0".repeat(30)}`)]));
    expect(errors).toEqual(only("lines.0.quantity"));
  });

  it("refuses an order whose lines fit but whose total does not, naming lines", async () => {
    // Each line 6 × 999999999999999 = 5.99e15 (7.14e15 with tax) fits; together they do not.
    const lines = [line("6", "999999999999999"), line("6", "999999999999999")];
    expect(await refused("placeSalesOrder", "PlaceSalesOrderInput", order(lines))).toEqual(only("lines"));
  });

  it("refuses control characters in notes and a malformed salesperson id, naming each", async () => {
    const errors = await refused(
      "placeSalesOrder",
      "PlaceSalesOrderInput",
      order([line("1")], { notes: "Call\u0000first", salespersonId: "Eve\u202e" }),
    );
    expect(errors.map((e) => e.field?.join(".")).sort()).toEqual(["notes", "salespersonId"]);
  });
});

describe(`sales refuses implausible quote validity on ${testDatabaseKind()}`, () => {
  it.each([
    ["yesterday", isoDay(-1)],
    ["beyond a year and a day", isoDay(367)],
    ["in 9999", "9999-12-31"],
  ])("refuses a quote valid until %s, naming validUntil", async (_what, validUntil) => {
    expect(await refused("createQuote", "CreateQuoteInput", quote(validUntil))).toEqual(only("validUntil"));
  });

  it("creates a quote valid for a year, and refuses a revision to 9999", async () => {
    const { data } = await env.client.request(
      `mutation($i: CreateQuoteInput!) { createQuote(input: $i) { quote { id validUntil version } errors { code } } }`,
      { i: { idempotencyKey: newKey(), ...quote(isoDay(366)) } },
    );
    expect(data.createQuote).toMatchObject({ quote: { validUntil: isoDay(366) }, errors: [] });
    const { id, version } = data.createQuote.quote;
    const revision = { quoteId: id, expectedVersion: version, validUntil: "9999-12-31" };
    expect(await refused("reviseQuote", "ReviseQuoteInput", revision)).toEqual(only("validUntil"));
  });
});

describe(`sales order filters on ${testDatabaseKind()}`, () => {
  it("answers a placedFrom in year 0 with BAD_USER_INPUT, not an internal error", async () => {
    const { errors } = await env.client.request(
      `{ salesOrders(filter: { placedFrom: "0000-01-01T00:00:00Z" }) { nodes { id } } }`,
    );
    expect(errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
