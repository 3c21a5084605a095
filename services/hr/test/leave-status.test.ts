import { newKey, person, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { hr } from "../src/index.js";
import { LEAVE, useHr } from "./harness.js";

const env = useHr();
const hrApprover = person("hr@erp.local", ["hr:read", "hr:approve"]);
const job = hr.jobs!.find((j) => j.name === "employment-day")!;

async function status(id: string) {
  return (await env.client.request(`query($id: ID!) { employee(id: $id) { status } }`, { id })).data.employee.status;
}

async function runDay(day: string) {
  env.clock.set(day);
  await job.run(env.database.db as never, env.clock);
}

describe(`employment status over time on ${testDatabaseKind()}`, () => {
  it("is ON_LEAVE while approved leave covers the day, ACTIVE again when it ends, by the daily job", async () => {
    env.clock.set("2026-04-15");
    const id = await env.activeEmployee(await env.department());
    const annual = await env.leaveType(25);
    const leave = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-04-20", endDate: "2026-04-24" },
      LEAVE,
    );
    await env.mutate("approveLeave", { leaveRequestId: leave.leaveRequest.id }, LEAVE, env.as(hrApprover));
    expect(await status(id)).toBe("ACTIVE");
    await runDay("2026-04-20");
    expect(await status(id)).toBe("ON_LEAVE");
    await runDay("2026-04-27");
    expect(await status(id)).toBe("ACTIVE");
  });

  it("goes ON_LEAVE at once when leave covering today is approved, and back when it is cancelled", async () => {
    env.clock.set("2026-04-15");
    const id = await env.activeEmployee(await env.department());
    const annual = await env.leaveType(25);
    const leave = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-04-14", endDate: "2026-04-16" },
      LEAVE,
    );
    await env.mutate("approveLeave", { leaveRequestId: leave.leaveRequest.id }, LEAVE, env.as(hrApprover));
    expect(await status(id)).toBe("ON_LEAVE");
    await env.mutate("cancelLeave", { leaveRequestId: leave.leaveRequest.id }, LEAVE);
    expect(await status(id)).toBe("ACTIVE");
    expect(await env.balance(id)).toEqual({ allowance: 25, taken: 0, pending: 0, available: 25 });
  });

  it("answers a retried hire with the same employee and hires once", async () => {
    env.clock.set("2026-04-15");
    const dept = await env.department();
    const before = await env.count("hr.employees");
    const hire = `mutation($i: HireEmployeeInput!) { hireEmployee(input: $i) { employee { id number } errors { code } } }`;
    const input = {
      idempotencyKey: newKey(),
      name: "Retry Person",
      workEmail: "retry.person@erp.local",
      departmentId: dept,
      jobTitle: "Tester",
      hireDate: "2026-04-01",
      employmentType: "PART_TIME",
    };
    const [first, second] = [
      await env.client.request(hire, { i: input }),
      await env.client.request(hire, { i: input }),
    ];
    expect(second.data).toEqual(first.data);
    expect(await env.count("hr.employees")).toBe(before + 1);
    const reused = await env.client.request(hire, { i: { ...input, name: "Someone Else" } });
    expect(reused.data.hireEmployee.errors).toEqual([{ code: "IDEMPOTENCY_KEY_REUSED" }]);
  });
});
