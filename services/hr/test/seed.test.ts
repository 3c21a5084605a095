import { subgraphRunner } from "@erp/core";
import { testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { hr } from "../src/index.js";
import { useHr } from "./harness.js";

const env = useHr(new Date().toISOString().slice(0, 10));

describe(`HR demo data on ${testDatabaseKind()}`, () => {
  it("builds about 30 people in 5 departments, leave in every state and two posted payroll months sent to finance", async () => {
    const db = env.database.db;
    await hr.seed!(subgraphRunner(hr, db), { db: db as never, settle: async () => {} });
    expect(await env.count("hr.departments")).toBe(5);
    expect(await env.count("hr.employees")).toBe(30);
    expect(await env.count("hr.employees", "status = 'TERMINATED'")).toBe(1);
    const { data } = await env.client.request(`{ leaveRequests(first: 100) { nodes { status } } }`);
    expect(new Set(data.leaveRequests.nodes.map((n: any) => n.status))).toEqual(
      new Set(["SUBMITTED", "APPROVED", "REJECTED", "CANCELLED"]),
    );
    expect(await env.count("hr.payroll_runs", "status = 'POSTED' and kind = 'REGULAR'")).toBe(2);
    expect(await env.count("hr.outbox_events", "type = 'hr.payroll_run.posted'")).toBe(2);
    const root = (await env.client.request(`{ departments(first: 1, topLevelOnly: true) { nodes { id } } }`)).data
      .departments.nodes[0].id;
    const chart = (
      await env.client.request(`query($id: ID!) { orgChart(departmentId: $id) { people { id } } }`, { id: root })
    ).data.orgChart;
    expect(chart).toHaveLength(5);
    expect(chart.flatMap((u: any) => u.people)).toHaveLength(29);
  });
});
