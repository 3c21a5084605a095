import { randomUUID } from "node:crypto";
import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { useFinance } from "./harness.js";
import { balances, entryLines, stockAdjusted, stockIssued, stockReceived } from "./ledger-helpers.js";

const env = useFinance();
const postings = () => env.count("finance.stock_postings");

describe(`perpetual inventory in the ledger on ${testDatabaseKind()}`, () => {
  it("posts a goods receipt to inventory against goods received not invoiced, once however often it is delivered", async () => {
    const receipt = stockReceived("1000.00", { type: "GoodsReceipt", id: randomUUID() });
    await env.deliver("inventory.stock.received", receipt);
    await env.deliver("inventory.stock.received", receipt);
    expect(await entryLines(env, receipt.movementId)).toEqual(["1200 Dr 1000.00", "2050 Cr 1000.00"]);
    expect(await postings()).toBe(1);
    expect(await balances(env)).toMatchObject({ "1200": "1000.00", "2050": "-1000.00" });
  });

  it("posts a receipt without a purchase (manual, seed) against stock adjustments", async () => {
    const receipt = stockReceived("50.00", null);
    await env.deliver("inventory.stock.received", receipt);
    expect(await entryLines(env, receipt.movementId)).toEqual(["1200 Dr 50.00", "5200 Cr 50.00"]);
    expect(await balances(env)).toMatchObject({ "1200": "1050.00", "2050": "-1000.00", "5200": "-50.00" });
  });

  it("posts an issue for a shipment as cost of goods sold at the movement's value, once", async () => {
    const issue = stockIssued("123.45", "3");
    await env.deliver("inventory.stock.issued", issue);
    await env.deliver("inventory.stock.issued", issue);
    expect(await entryLines(env, issue.movementId)).toEqual(["1200 Cr 123.45", "5000 Dr 123.45"]);
    expect(await balances(env)).toMatchObject({ "1200": "926.55", "5000": "123.45" });
  });

  it("posts a counted gain as stock income and a loss as stock expense, each once", async () => {
    const gain = stockAdjusted("2", "20.00");
    const loss = stockAdjusted("-1", "7.50");
    for (const adjustment of [gain, gain, loss, loss]) await env.deliver("inventory.stock.adjusted", adjustment);
    expect(await entryLines(env, gain.movementId)).toEqual(["1200 Dr 20.00", "5200 Cr 20.00"]);
    expect(await entryLines(env, loss.movementId)).toEqual(["1200 Cr 7.50", "5200 Dr 7.50"]);
    // A loss reported with a signed (negative) value reads the same.
    const signedLoss = stockAdjusted("-2", "-15.00");
    await env.deliver("inventory.stock.adjusted", signedLoss);
    expect(await entryLines(env, signedLoss.movementId)).toEqual(["1200 Cr 15.00", "5200 Dr 15.00"]);
    expect(await balances(env)).toMatchObject({ "1200": "924.05", "5200": "-47.50" });
    expect(await postings()).toBe(6);
  });

  it("posts nothing for a movement of zero value, and does not count it", async () => {
    const before = await env.snapshot();
    await env.deliver("inventory.stock.received", stockReceived("0.00", { type: "GoodsReceipt", id: randomUUID() }));
    await env.deliver("inventory.stock.issued", stockIssued("0"));
    await env.deliver("inventory.stock.adjusted", stockAdjusted("1", "0.00"));
    const after = await env.snapshot();
    expect(before.journal_entries).toBe(6);
    expect(after.journal_entries).toBe(before.journal_entries);
    expect(after.stock_postings).toBe(before.stock_postings);
  });
});
