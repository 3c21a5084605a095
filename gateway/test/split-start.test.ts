import { createServer } from "node:net";
import { bearer, createTestDatabase } from "@erp/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SUBGRAPHS } from "../src/subgraphs.js";
import { buildOnce, cleanEnv, compiledCli, graphql, type Running, run } from "./processes.js";

const freePort = () =>
  new Promise<number>((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// The split topology runs on PostgreSQL only (eight processes cannot share PGlite's files).
describe.skipIf(!process.env.TEST_DATABASE_URL)("erp start --split: the split topology in one command", () => {
  let erp: Running;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let gatewayUrl: string;
  const pids = new Map<string, number>();
  const pidsSeen = new Set<number>();
  const admin = () => bearer("operator@erp.test", ["admin"]);

  beforeAll(async () => {
    buildOnce();
    database = await createTestDatabase(); // dropped when closed, after the processes stop
    const urls: Record<string, string> = {};
    for (const { module } of SUBGRAPHS)
      urls[`${module.name.toUpperCase()}_SUBGRAPH_URL`] = `http://127.0.0.1:${await freePort()}/graphql`;
    erp = run(
      [...compiledCli, "start", "--split"],
      cleanEnv({ ...urls, DATABASE_URL: database.url!, PORT: String(await freePort()), HOST: "127.0.0.1" }),
    );
    gatewayUrl = (await erp.waitFor(/gateway ready at (\S+)/, 300_000))[1]!;
    for (const [, name, pid] of erp.output().matchAll(/(\w+) started \(pid (\d+)\)/g)) {
      pids.set(name!, Number(pid));
      pidsSeen.add(Number(pid));
    }
  });
  afterAll(async () => {
    await erp?.stop("SIGKILL");
    await database?.close();
  });

  it("runs every subgraph in its own process, with prefixed logs", () => {
    expect([...pids.keys()].sort()).toEqual(SUBGRAPHS.map((s) => s.module.name).sort());
    expect(erp.output()).toMatch(/^crm\s+\| crm subgraph listening on/m);
  });

  it("answers a query that spans two subgraphs", async () => {
    const headers = await admin();
    await graphql(
      gatewayUrl,
      `mutation { registerCustomer(input: { idempotencyKey: "split-1", name: "Split Customer" }) { customer { id } } }`,
      headers,
    );
    const answer = await graphql(
      gatewayUrl,
      `{ customers(first: 5) { nodes { name balance { amount currency } } } }`,
      headers,
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.customers.nodes).toEqual([
      { name: "Split Customer", balance: { amount: expect.stringMatching(/^0(\.0+)?$/), currency: "EUR" } },
    ]);
  });

  it("reports not ready, naming the subgraph, while one is down, and restarts a killed subgraph", async () => {
    const crm = pids.get("crm")!;
    process.kill(crm, "SIGKILL");
    await erp.waitFor(/crm exited \(SIGKILL\); restarting in/);
    const ready = await fetch(new URL("/ready", gatewayUrl));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", unavailable: ["crm"] });

    const crmStarts = () => [...erp.output().matchAll(/crm started \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    for (let i = 0; i < 120 && crmStarts().length < 2; i++) await new Promise((r) => setTimeout(r, 500));
    const again = crmStarts().at(-1)!;
    expect(crmStarts()).toHaveLength(2);
    expect(again).not.toBe(crm);
    pidsSeen.add(again);
    for (let i = 0; i < 120 && (await fetch(new URL("/ready", gatewayUrl))).status !== 200; i++)
      await new Promise((r) => setTimeout(r, 500));
    expect((await fetch(new URL("/ready", gatewayUrl))).status).toBe(200);
    const answer = await graphql(gatewayUrl, `{ customers(first: 5) { nodes { name } } }`, await admin());
    expect(answer.body.data.customers.nodes).toEqual([{ name: "Split Customer" }]);
  });

  it("stops every process on SIGTERM and exits cleanly", async () => {
    expect(await erp.stop("SIGTERM")).toBe(0);
    expect(erp.output()).toContain("every process stopped");
    expect([...pidsSeen].filter(alive)).toEqual([]);
  });
});
