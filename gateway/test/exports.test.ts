import { randomUUID } from "node:crypto";
import v8 from "node:v8";
import { runInNewContext } from "node:vm";
import type { Database, RunningServer } from "@erp/core";
import { sql } from "@erp/core";
import {
  bearer,
  createMigratedDatabase,
  crmFactory,
  httpClient,
  newKey,
  TEST_JWT_SECRET,
  testDatabaseKind,
} from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";

let database: Database;
let gateway: RunningServer;
let admin: Record<string, string>;
let customerId: string;
const invoiceIds: string[] = [];

const url = (path: string) => `http://127.0.0.1:${gateway.port}${path}`;
const get = (path: string, headers: Record<string, string> = admin) => fetch(url(path), { headers });
const csvLines = (text: string) => text.trimEnd().split("\n");

async function graph(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(url("/graphql"), {
    method: "POST",
    headers: { "content-type": "application/json", ...admin },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  const config = {
    ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }),
    host: "127.0.0.1",
    port: 0,
    mode: "single" as const,
  };
  gateway = await startGateway({ config, modules: subgraphModules(), database });
  admin = await bearer("exporter@erp.test", ["admin"]);
  // CRM registers the customer; finance knows it as CRM's event would have told it (no event bus here).
  customerId = (await crmFactory(httpClient(url("/graphql"), admin)).customer({ name: 'Käufer, "Quote" AG' })).id;
  await sql`insert into finance.known_customers (customer_id, name, version) values (${customerId}, 'Käufer, "Quote" AG', 1)`.execute(
    database.db,
  );
  for (const price of ["100.00", "250.50", "9.99"]) {
    const { data } = await graph(
      `mutation($i: IssueInvoiceInput!) { issueInvoice(input: $i) { invoice { id number } errors { code message } } }`,
      {
        i: {
          idempotencyKey: newKey(),
          customerId,
          currency: "EUR",
          lines: [{ description: "Consulting, on site", quantity: "1", unitPrice: price, taxRate: "19" }],
        },
      },
    );
    expect(data.issueInvoice.errors).toEqual([]);
    invoiceIds.push(data.issueInvoice.invoice.id);
  }
});
afterAll(async () => {
  await gateway?.stop();
  await database?.close();
});

describe(`CSV exports through the gateway on ${testDatabaseKind()}`, () => {
  it("exports a list as CSV, every row, newest first, with the caller's rights", async () => {
    const response = await get("/exports/invoices.csv");
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toContain("filename=invoices.csv");
    const lines = csvLines(await response.text());
    expect(lines[0]).toBe(
      "number,status,issuedOn,dueOn,total.currency,customer.id,subtotal.amount,taxTotal.amount,total.amount,balanceDue.amount",
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(new RegExp(`^INV-\\d{4}-000003,ISSUED,.*,EUR,${customerId},9.99,1.90,11.89,11.89$`));
  });

  it("exports a report with its arguments, quoting text as CSV does", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const pl = await get(`/exports/profit-and-loss.csv?from=${today.slice(0, 4)}-01-01&to=${today}`);
    expect(pl.status).toBe(200);
    expect(csvLines(await pl.text())).toEqual([
      "currency,section,account.code,account.name,amount.amount",
      "EUR,revenue,4000,Revenue,360.49",
    ]);
    const aging = csvLines(await (await get("/exports/receivables-aging.csv")).text());
    expect(aging[1], aging.join("\n")).toBe(
      `"Käufer, ""Quote"" AG",${customerId},EUR,428.99,0.00,0.00,0.00,0.00,428.99`,
    );
  });

  it("refuses like the graph: no credentials, a missing scope, a bad argument, an unknown export", async () => {
    const anonymous = await get("/exports/invoices.csv", {});
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    const warehouse = await get("/exports/invoices.csv", await bearer("picker@erp.test", ["warehouse"]));
    expect(warehouse.status).toBe(403);
    expect(await warehouse.text()).not.toContain("INV-");
    expect((await get("/exports/profit-and-loss.csv?from=2020-01-01&to=2026-01-01")).status).toBe(400);
    expect((await get("/exports/profit-and-loss.csv?to=2026-01-01")).status).toBe(400);
    expect((await get("/exports/invoices.csv?first=5")).status).toBe(400);
    expect((await get("/exports/ledger.csv")).status).toBe(404);
  });
});

describe.runIf(testDatabaseKind() === "postgres")("a CSV export of 100,000 rows on PostgreSQL", () => {
  it("streams in constant memory: the process's heap grows by far less than the file", async () => {
    await sql`
      insert into finance.invoices (number, customer_id, currency, issued_on, due_on, subtotal, tax_total, total)
      select 'BULK-' || lpad(n::text, 6, '0'), ${customerId}, 'EUR', current_date, current_date + 30, 100, 19, 119
      from generate_series(1, 100000) n`.execute(database.db);
    // What the process holds, not what it has yet to collect: sample the heap right after a full GC.
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage();
    let peakHeap = baseline.heapUsed;
    let peakBuffers = baseline.arrayBuffers;
    let peakRss = baseline.rss;
    const sampler = setInterval(() => {
      gc();
      const now = process.memoryUsage();
      peakHeap = Math.max(peakHeap, now.heapUsed);
      peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      peakRss = Math.max(peakRss, now.rss);
    }, 2_000);
    const started = Date.now();
    const response = await get("/exports/invoices.csv");
    expect(response.status).toBe(200);
    // Read as a slow client would, keeping nothing but a count.
    let bytes = 0;
    let lines = 0;
    const decoder = new TextDecoder();
    for await (const chunk of response.body!) {
      bytes += chunk.byteLength;
      lines += decoder.decode(chunk, { stream: true }).split("\n").length - 1;
    }
    clearInterval(sampler);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    console.info(
      `exported ${lines - 1} rows, ${mb(bytes)} MB of CSV in ${Date.now() - started} ms; peak heap +${mb(peakHeap - baseline.heapUsed)} MB, peak buffers +${mb(peakBuffers - baseline.arrayBuffers)} MB, peak RSS +${mb(peakRss - baseline.rss)} MB`,
    );
    expect(lines).toBe(1 + 100_000 + 3);
    // Holding the export would keep 100,000 GraphQL rows (hundreds of MB of heap) or the 10 MB file
    // (in buffers, outside the heap). RSS is printed, not bounded: it counts what V8 and malloc keep
    // for reuse after a burst of allocation (CI saw +93 MB with the heap at +2 MB).
    expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(peakHeap - baseline.heapUsed).toBeLessThan(8 * 1024 * 1024);
    expect(peakBuffers - baseline.arrayBuffers).toBeLessThan(8 * 1024 * 1024);
  }, 600_000);
});

describe("an invoice as a PDF", () => {
  it("carries the legal fields: seller, buyer, number, dates, lines, tax, totals, currency", async () => {
    const { data } = await graph(`query($id: ID!) { invoice(id: $id) { number issuedOn dueOn } }`, {
      id: invoiceIds[1],
    });
    const response = await get(`/documents/invoices/${invoiceIds[1]}.pdf`);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    const pdf = Buffer.from(await response.arrayBuffer()).toString("latin1");
    expect(pdf.startsWith("%PDF-")).toBe(true);
    const texts = pdfTexts(pdf);
    for (const field of [
      "ERP Demo GmbH",
      "DE000000000",
      'Käufer, "Quote" AG',
      `Invoice ${data.invoice.number}`,
      `Issued on: ${data.invoice.issuedOn}`,
      `Due on: ${data.invoice.dueOn}`,
      "Currency: EUR",
      "Consulting, on site",
      "250.50",
      "47.60",
      "298.10",
    ])
      expect(texts, field).toContain(field);
  });

  it("is refused without the scope and not found for an unknown invoice", async () => {
    const warehouse = await get(
      `/documents/invoices/${invoiceIds[0]}.pdf`,
      await bearer("picker@erp.test", ["warehouse"]),
    );
    expect(warehouse.status).toBe(403);
    expect((await get(`/documents/invoices/${randomUUID()}.pdf`)).status).toBe(404);
    expect((await get(`/documents/invoices/not-an-id.pdf`)).status).toBe(400);
  });
});

/** The text shown by an uncompressed PDF's pages: its `[<hex> kerning <hex>] TJ` runs, decoded and joined per run. */
function pdfTexts(pdf: string): string {
  const runs = [...pdf.matchAll(/\[([^\]]*)\]\s*TJ/g)].map((m) =>
    [...m[1]!.matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => Buffer.from(h[1]!, "hex").toString("latin1")).join(""),
  );
  return runs.join("\n");
}
