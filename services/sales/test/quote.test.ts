import { sql } from "@erp/core";
import { newKey, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useSales } from "./harness.js";

const env = useSales();

describe(`quotes on ${testDatabaseKind()}`, () => {
  it("takes a quote from draft through revision and sending to an accepted order with the quoted prices", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const validUntil = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const QUOTE = "quote { id status version total { amount } lines { quantity } } errors { code message }";
    const created = await env.client.request(
      `mutation($i: CreateQuoteInput!) { createQuote(input: $i) { ${QUOTE} } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId: c,
          currency: "EUR",
          validUntil,
          lines: [{ productId: p, quantity: "1" }],
        },
      },
    );
    const quote = created.data.createQuote.quote;
    const revised = await env.client.request(
      `mutation($i: ReviseQuoteInput!) { reviseQuote(input: $i) { ${QUOTE} } }`,
      {
        i: {
          idempotencyKey: newKey(),
          quoteId: quote.id,
          expectedVersion: 1,
          lines: [{ productId: p, quantity: "2", unitPrice: "90.00" }],
        },
      },
    );
    expect(revised.data.reviseQuote.quote).toMatchObject({
      version: 2,
      total: { amount: "214.20" },
      lines: [{ quantity: "2" }],
    });
    await env.client.request(`mutation($i: SendQuoteInput!) { sendQuote(input: $i) { ${QUOTE} } }`, {
      i: { idempotencyKey: newKey(), quoteId: quote.id },
    });
    const late = await env.client.request(`mutation($i: ReviseQuoteInput!) { reviseQuote(input: $i) { ${QUOTE} } }`, {
      i: { idempotencyKey: newKey(), quoteId: quote.id, expectedVersion: 3, notes: "x" },
    });
    expect(late.data.reviseQuote.errors[0].code).toBe("INVALID_STATE_TRANSITION");
    const accepted = await env.client.request(
      `mutation($i: AcceptQuoteInput!) { acceptQuote(input: $i) { quote { status } salesOrder { status total { amount } quote { id } } errors { code } } }`,
      { i: { idempotencyKey: newKey(), quoteId: quote.id, warehouseId: env.warehouseId } },
    );
    expect(accepted.data.acceptQuote).toEqual({
      quote: { status: "ACCEPTED" },
      salesOrder: { status: "DRAFT", total: { amount: "214.20" }, quote: { id: quote.id } },
      errors: [],
    });
  });

  it("refuses to accept a quote past its validity date and reports it EXPIRED", async () => {
    const [c, p] = [await env.customer(), await env.product()];
    const today = new Date().toISOString().slice(0, 10);
    const id = (
      await env.client.request(`mutation($i: CreateQuoteInput!) { createQuote(input: $i) { quote { id } } }`, {
        i: {
          idempotencyKey: newKey(),
          customerId: c,
          currency: "EUR",
          validUntil: today,
          lines: [{ productId: p, quantity: "1" }],
        },
      })
    ).data.createQuote.quote.id;
    await env.client.request(`mutation($i: SendQuoteInput!) { sendQuote(input: $i) { errors { code } } }`, {
      i: { idempotencyKey: newKey(), quoteId: id },
    });
    // Time passes: the validity date is now behind us.
    await sql`update sales.quotes set valid_until = current_date - 1 where id = ${id}`.execute(env.database.db);
    const { data } = await env.client.request(
      `mutation($i: AcceptQuoteInput!) { acceptQuote(input: $i) { salesOrder { id } errors { code field } } }`,
      { i: { idempotencyKey: newKey(), quoteId: id, warehouseId: env.warehouseId } },
    );
    expect(data.acceptQuote).toEqual({ salesOrder: null, errors: [{ code: "QUOTE_EXPIRED", field: ["quoteId"] }] });
    expect((await env.client.request(`query($id: ID!) { quote(id: $id) { status } }`, { id })).data.quote.status).toBe(
      "EXPIRED",
    );
  });
});
