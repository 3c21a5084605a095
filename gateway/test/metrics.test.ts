import { type Database, logger, type RunningServer } from "@erp/core";
import { bearer, createMigratedDatabase, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { startMetrics } from "../src/metrics.js";
import { subgraphModules } from "../src/subgraphs.js";
import { graphql } from "./processes.js";

let database: Database;
let gateway: RunningServer;
let metrics: NonNullable<Awaited<ReturnType<typeof startMetrics>>>;
const TOKEN = "metrics-scraper-token-1234";

beforeAll(async () => {
  database = await createMigratedDatabase(subgraphModules());
  const config = {
    ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }),
    host: "127.0.0.1",
    port: 0,
    mode: "single" as const,
  };
  gateway = await startGateway({ config, modules: subgraphModules(), database });
  metrics = (await startMetrics({ port: 0, token: TOKEN }, "127.0.0.1", database))!;
});
afterAll(async () => {
  await metrics?.stop();
  await gateway?.stop();
  await database?.close();
});

const scrape = async () => {
  const response = await fetch(metrics.url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  return response.text();
};
/** The value of one series, 0 when it has not appeared yet. */
const value = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe(`metrics and request logs on ${testDatabaseKind()}`, () => {
  it("exposes the named series on their own port, only to the configured token", async () => {
    expect((await fetch(metrics.url)).status).toBe(401);
    const text = await scrape();
    for (const series of [
      "erp_process_cpu_user_seconds_total",
      "erp_nodejs_eventloop_lag_seconds",
      'erp_job_queue_depth{state="created"}',
      "erp_dead_lettered_events",
      "erp_reconciliation_alerts_open",
    ])
      expect(text).toContain(series);
    if (testDatabaseKind() === "postgres") expect(text).toContain('erp_db_pool_connections{state="in_use"}');
  });

  it("moves with traffic: requests and latency by operation and outcome, subgraph fetches, business errors; one log line each", async () => {
    const before = await scrape();
    const url = `http://127.0.0.1:${gateway.port}/graphql`;
    const admin = await bearer("metrics@erp.test", ["admin"]);
    const info = vi.spyOn(logger, "info");
    try {
      await graphql(url, `query ListCustomers { customers(first: 1) { nodes { id } } }`, admin);
      await graphql(url, `query ListCustomers { customers(first: 1) { nodes { id } } }`, admin);
      const refused = await graphql(
        url,
        `mutation RegisterBlank { registerCustomer(input: { idempotencyKey: "m-1", name: "" }) { errors { code } } }`,
        admin,
      );
      const code = refused.body.data.registerCustomer.errors[0].code as string;
      await graphql(url, `query Broken { noSuchField }`, admin);

      const after = await scrape();
      const moved = (series: string) => value(after, series) - value(before, series);
      expect(moved('erp_graphql_requests_total{operation="ListCustomers",outcome="ok"}')).toBe(2);
      expect(moved('erp_graphql_request_duration_seconds_count{operation="ListCustomers",outcome="ok"}')).toBe(2);
      expect(moved('erp_graphql_requests_total{operation="Broken",outcome="error"}')).toBe(1);
      expect(moved(`erp_business_errors_total{code="${code}"}`)).toBe(1);
      expect(moved('erp_subgraph_fetch_duration_seconds_count{subgraph="crm"}')).toBe(3);

      const lines = info.mock.calls.filter(([, message]) => message === "graphql request").map(([fields]) => fields);
      expect(lines).toHaveLength(4);
      expect(lines[0]).toMatchObject({
        operation: "ListCustomers",
        outcome: "ok",
        principal: "metrics@erp.test",
        requestId: expect.any(String),
        durationMs: expect.any(Number),
      });
      expect(lines[2]).toMatchObject({ operation: "RegisterBlank", outcome: "ok", businessErrors: [code] });
      expect(lines[3]).toMatchObject({ operation: "Broken", outcome: "error" });
    } finally {
      info.mockRestore();
    }
  });
});
