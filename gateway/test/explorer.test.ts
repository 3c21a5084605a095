import type { Database, RunningServer } from "@erp/core";
import { createMigratedDatabase, TEST_JWT_SECRET } from "@erp/testing";
import { buildASTSchema, parse, validate } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeSupergraph } from "../src/compose.js";
import { loadConfig } from "../src/config.js";
import { INVOICE_DOCUMENT } from "../src/documents.js";
import { explorerExamples } from "../src/explorer-examples.js";
import { EXPORTS } from "../src/export-catalogue.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";

const modules = subgraphModules();
const supergraph = buildASTSchema(parse(composeSupergraph(modules, (name) => `http://in-process/${name}`)), {
  assumeValidSDL: true,
});

describe("the operations the gateway ships", () => {
  it("are valid against the supergraph: every example, every export and the invoice document", () => {
    const documents = [
      ...explorerExamples(modules).map((e) => [e.title, e.document] as const),
      ...Object.entries(EXPORTS).map(([name, e]) => [`${name}.csv`, e.query] as const),
      ["invoice PDF", INVOICE_DOCUMENT] as const,
    ];
    for (const [name, document] of documents)
      expect(
        validate(supergraph, parse(document)).map((e) => e.message),
        name,
      ).toEqual([]);
  });

  it("give every domain of the graph an example, and the partner flow's five steps", () => {
    const examples = explorerExamples(modules);
    expect(examples).toHaveLength(modules.length + 1);
    const flow = examples.at(-1)!.document;
    for (const step of ["placeSalesOrder", "confirmSalesOrder", "shipSalesOrder", "invoices", "recordPayment"])
      expect(flow).toContain(step);
  });
});

let database: Database;
let gateway: RunningServer;
const url = (path: string) => `http://127.0.0.1:${gateway.port}${path}`;

describe("exploring the graph", () => {
  beforeAll(async () => {
    database = await createMigratedDatabase([]);
    const config = {
      ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }),
      host: "127.0.0.1",
      port: 0,
      mode: "single" as const,
    };
    gateway = await startGateway({ config, modules, database });
  });
  afterAll(async () => {
    await gateway?.stop();
    await database?.close();
  });

  it("serves GraphiQL at /graphiql with its assets from the gateway itself and no external URL", async () => {
    const response = await fetch(url("/graphiql"));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).not.toMatch(/https?:\/\/|\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    const assets = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual([
      "/graphiql/assets/graphiql.min.css",
      "/graphiql/assets/graphiql.min.js",
      "/graphiql/assets/react-dom.production.min.js",
      "/graphiql/assets/react.production.min.js",
    ]);
    for (const asset of assets) {
      const served = await fetch(url(asset));
      expect(served.status, asset).toBe(200);
      expect(served.headers.get("content-type"), asset).toMatch(asset.endsWith(".css") ? /text\/css/ : /javascript/);
      expect((await served.arrayBuffer()).byteLength, asset).toBeGreaterThan(1_000);
    }
    // The same examples as the landing page, one tab each.
    for (const example of explorerExamples(modules))
      expect(page).toContain(JSON.stringify(example.document).replace(/</g, "\\u003c").slice(1, 60));
  });

  it("keeps Apollo Sandbox as the landing page, telemetry off, every example in its document, linking to /graphiql", async () => {
    const page = await (await fetch(url("/"), { headers: { accept: "text/html" } })).text();
    expect(page).toContain("embeddable-sandbox");
    expect(page).toContain('"runTelemetry":false');
    expect(page).toContain('href="/graphiql"');
    for (const name of [
      "CustomersWithPipeline",
      "ProductsAndStock",
      "OrdersAcrossTheGraph",
      "FinancialPosition",
      "WhoAmI",
      "PurchaseOrders",
      "Employees",
      "FailedEvents",
      "PlaceOrder",
      "PayInvoice",
    ])
      expect(page).toContain(name);
  });
});
