import type { Database, RunningServer } from "@erp/core";
import { bearer, createMigratedDatabase, TEST_JWT_SECRET, testDatabaseKind } from "@erp/testing";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { startGateway } from "../src/gateway.js";
import { subgraphModules } from "../src/subgraphs.js";
import { startTracing } from "../src/tracing.js";
import { graphql } from "./processes.js";

const exporter = new InMemorySpanExporter();
let stopTracing: () => Promise<void>;
let database: Database;
let gateway: RunningServer;

beforeAll(async () => {
  stopTracing = startTracing(undefined, new SimpleSpanProcessor(exporter))!;
  database = await createMigratedDatabase(subgraphModules());
  const config = {
    ...loadConfig({ AUTH_JWT_SECRET: TEST_JWT_SECRET }),
    host: "127.0.0.1",
    port: 0,
    mode: "single" as const,
  };
  gateway = await startGateway({ config, modules: subgraphModules(), database });
});
afterAll(async () => {
  await gateway?.stop();
  await database?.close();
  await stopTracing?.();
});

it(`exports a trace per request: the request span with its id, a span per subgraph fetch, a span per SQL statement (${testDatabaseKind()})`, async () => {
  exporter.reset();
  const url = `http://127.0.0.1:${gateway.port}/graphql`;
  const answer = await graphql(url, `query TracedCustomers { customers(first: 2) { nodes { id name } } }`, {
    ...(await bearer("tracer@erp.test", ["admin"])),
    "x-request-id": "trace-me-1",
  });
  expect(answer.body.errors).toBeUndefined();
  const spans = exporter.getFinishedSpans();
  const request = spans.find((s) => s.name === "graphql request");
  expect(request?.attributes).toMatchObject({
    "erp.request_id": "trace-me-1",
    "graphql.operation.name": "TracedCustomers",
  });
  const traceId = request!.spanContext().traceId;
  const fetch = spans.find((s) => s.name === "subgraph crm");
  expect(fetch?.spanContext().traceId).toBe(traceId);
  expect(fetch?.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
  const sql = spans.filter((s) => s.name === "sql select" && s.spanContext().traceId === traceId);
  expect(sql.length).toBeGreaterThan(0);
  expect(sql.every((s) => s.parentSpanContext?.spanId === fetch!.spanContext().spanId)).toBe(true);
});
