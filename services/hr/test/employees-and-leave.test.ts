import { sql } from "@erp/core";
import { person, refusedMutation, testDatabaseKind } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { LEAVE, useHr } from "./harness.js";

const env = useHr();
const manager = person("boss@erp.local", ["hr:read"]);

async function events(aggregateId: string) {
  const { rows } = await sql<{ type: string; payload: any }>`
    select type, payload from hr.outbox_events where aggregate_id = ${aggregateId} order by sequence`.execute(
    env.database.db,
  );
  return rows;
}

describe(`employees and leave on ${testDatabaseKind()}`, () => {
  it("hire → activate → transfer → leave approved by the manager lowers the balance; an overlapping request is refused", async () => {
    const [sales, engineering] = [await env.department(), await env.department()];
    const boss = await env.activeEmployee(engineering, { userSubject: "boss@erp.local" });
    const hired = await env.ok(
      "hireEmployee",
      {
        name: "Rita Novak",
        workEmail: "Rita.Novak@erp.local",
        departmentId: sales,
        managerId: boss,
        jobTitle: "Seller",
        hireDate: "2026-04-01",
        employmentType: "FULL_TIME",
      },
      "employee { id number status }",
    );
    const id = hired.employee.id;
    expect(hired.employee).toMatchObject({ number: expect.stringMatching(/^E-\d{6}$/), status: "ONBOARDING" });
    expect((await env.ok("activateEmployee", { employeeId: id }, "employee { status }")).employee.status).toBe(
      "ACTIVE",
    );
    const moved = await env.ok(
      "transferEmployee",
      { employeeId: id, departmentId: engineering, jobTitle: "Engineer" },
      "employee { department { id } jobTitle version }",
    );
    expect(moved.employee).toEqual({ department: { id: engineering }, jobTitle: "Engineer", version: 3 });
    expect((await events(id)).map((e) => [e.type, e.payload.status, e.payload.version])).toEqual([
      ["hr.employee.hired", "ONBOARDING", 1],
      ["hr.employee.details_changed", "ACTIVE", 2],
      ["hr.employee.details_changed", "ACTIVE", 3],
    ]);

    const annual = await env.leaveType(25);
    // Monday 4 May to Friday 8 May: five working days.
    const requested = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-05-04", endDate: "2026-05-08" },
      LEAVE,
    );
    expect(requested.leaveRequest).toMatchObject({ status: "SUBMITTED", days: 5 });
    expect(await env.balance(id)).toEqual({ allowance: 25, taken: 0, pending: 5, available: 20 });
    const approved = await env.mutate(
      "approveLeave",
      { leaveRequestId: requested.leaveRequest.id },
      LEAVE,
      env.as(manager),
    );
    expect(approved).toMatchObject({ errors: [], leaveRequest: { status: "APPROVED", unpaidDays: 0 } });
    expect(await env.balance(id)).toEqual({ allowance: 25, taken: 5, pending: 0, available: 20 });

    const overlapping = await refusedMutation(env.client, env.database.db, "hr", "requestLeave", "RequestLeaveInput", {
      employeeId: id,
      leaveTypeId: annual,
      startDate: "2026-05-07",
      endDate: "2026-05-12",
    });
    expect(overlapping).toEqual([expect.objectContaining({ code: "LEAVE_OVERLAP" })]);
  });

  it("refuses the requester, and the employee, deciding their own leave, and anyone neither manager nor HR approver", async () => {
    const dept = await env.department();
    const worker = person("worker@erp.local", ["hr:read", "hr:write", "hr:approve"]);
    const id = await env.activeEmployee(dept, { userSubject: "worker@erp.local" });
    const annual = await env.leaveType(25);
    const byWorker = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-06-01", endDate: "2026-06-02" },
      LEAVE,
      env.as(worker),
    );
    const selfApproval = await refusedMutation(
      env.as(worker),
      env.database.db,
      "hr",
      "approveLeave",
      "DecideLeaveInput",
      {
        leaveRequestId: byWorker.leaveRequest.id,
      },
    );
    expect(selfApproval).toEqual([expect.objectContaining({ code: "SELF_APPROVAL" })]);

    // Requested by HR on the worker's behalf: the worker, although an HR approver, still may not decide it.
    const byHr = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-06-08", endDate: "2026-06-08" },
      LEAVE,
    );
    expect(
      await refusedMutation(env.as(worker), env.database.db, "hr", "approveLeave", "DecideLeaveInput", {
        leaveRequestId: byHr.leaveRequest.id,
      }),
    ).toEqual([expect.objectContaining({ code: "SELF_APPROVAL" })]);
    expect(
      await refusedMutation(
        env.as(person("stranger@erp.local", ["hr:read"])),
        env.database.db,
        "hr",
        "approveLeave",
        "DecideLeaveInput",
        {
          leaveRequestId: byHr.leaveRequest.id,
        },
      ),
    ).toEqual([expect.objectContaining({ code: "NOT_THE_APPROVER" })]);
    // An HR approver who is someone else may.
    const hrApprover = env.as(person("hr.manager@erp.local", ["hr:read", "hr:approve"]));
    expect(
      (await env.mutate("approveLeave", { leaveRequestId: byHr.leaveRequest.id }, LEAVE, hrApprover)).leaveRequest
        .status,
    ).toBe("APPROVED");
  });

  it("lets a person with hr:read alone ask for and cancel their own leave, and nobody else's", async () => {
    const dept = await env.department();
    const self = person("self@erp.local", ["hr:read"]);
    const mine = await env.activeEmployee(dept, { userSubject: "self@erp.local" });
    const colleague = await env.activeEmployee(dept);
    const annual = await env.leaveType(25);
    const asked = await env.mutate(
      "requestLeave",
      { employeeId: mine, leaveTypeId: annual, startDate: "2026-06-01", endDate: "2026-06-03" },
      LEAVE,
      env.as(self),
    );
    expect(asked.leaveRequest).toMatchObject({ status: "SUBMITTED", days: 3 });
    const forColleague = await refusedMutation(
      env.as(self),
      env.database.db,
      "hr",
      "requestLeave",
      "RequestLeaveInput",
      {
        employeeId: colleague,
        leaveTypeId: annual,
        startDate: "2026-06-01",
        endDate: "2026-06-03",
      },
    );
    expect(forColleague).toEqual([expect.objectContaining({ code: "FORBIDDEN", field: ["employeeId"] })]);
    const theirs = await env.mutate(
      "requestLeave",
      { employeeId: colleague, leaveTypeId: annual, startDate: "2026-06-08", endDate: "2026-06-08" },
      LEAVE,
    );
    expect(
      await refusedMutation(env.as(self), env.database.db, "hr", "cancelLeave", "CancelLeaveInput", {
        leaveRequestId: theirs.leaveRequest.id,
      }),
    ).toEqual([expect.objectContaining({ code: "FORBIDDEN" })]);
    const cancelled = await env.mutate("cancelLeave", { leaveRequestId: asked.leaveRequest.id }, LEAVE, env.as(self));
    expect(cancelled.leaveRequest.status).toBe("CANCELLED");
  });

  it("refuses leave beyond the balance unless the type allows unpaid leave, which then counts the excess unpaid", async () => {
    const dept = await env.department();
    const id = await env.activeEmployee(dept);
    const short = await env.leaveType(3);
    const refused = await refusedMutation(env.client, env.database.db, "hr", "requestLeave", "RequestLeaveInput", {
      employeeId: id,
      leaveTypeId: short,
      startDate: "2026-07-06",
      endDate: "2026-07-10",
    });
    expect(refused).toEqual([expect.objectContaining({ code: "INSUFFICIENT_LEAVE_BALANCE" })]);

    const flexible = await env.leaveType(2, true);
    const requested = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: flexible, startDate: "2026-07-06", endDate: "2026-07-10" },
      LEAVE,
    );
    const approved = await env.mutate(
      "approveLeave",
      { leaveRequestId: requested.leaveRequest.id },
      LEAVE,
      env.as(person("hr@erp.local", ["hr:read", "hr:approve"])),
    );
    expect(approved.leaveRequest).toMatchObject({ status: "APPROVED", days: 5, unpaidDays: 3 });
    const { data } = await env.client.request(
      `query($id: ID!) { employee(id: $id) { leaveBalances(year: 2026) { leaveType { id } allowance taken pending } } }`,
      { id },
    );
    expect(data.employee.leaveBalances).toContainEqual({
      leaveType: { id: flexible },
      allowance: 2,
      taken: 2,
      pending: 0,
    });
  });

  it("counts working days without weekends and configured public holidays", async () => {
    process.env.HR_PUBLIC_HOLIDAYS = "2026-05-01";
    try {
      const dept = await env.department();
      const id = await env.activeEmployee(dept);
      const annual = await env.leaveType(25);
      // Thursday 30 April to Monday 4 May: Thursday, (holiday Friday), (weekend), Monday.
      const requested = await env.mutate(
        "requestLeave",
        { employeeId: id, leaveTypeId: annual, startDate: "2026-04-30", endDate: "2026-05-04" },
        LEAVE,
      );
      expect(requested.leaveRequest.days).toBe(2);
      const weekend = await refusedMutation(env.client, env.database.db, "hr", "requestLeave", "RequestLeaveInput", {
        employeeId: id,
        leaveTypeId: annual,
        startDate: "2026-05-09",
        endDate: "2026-05-10",
      });
      expect(weekend).toEqual([expect.objectContaining({ code: "NO_WORKING_DAYS" })]);
    } finally {
      delete process.env.HR_PUBLIC_HOLIDAYS;
    }
  });

  it("shows compensation only to holders of hr:compensation; to anyone else the field is refused with FORBIDDEN", async () => {
    const dept = await env.department();
    const id = await env.activeEmployee(dept);
    await env.ok(
      "changeCompensation",
      { employeeId: id, amount: { amount: "4000.00", currency: "EUR" }, period: "MONTH", effectiveFrom: "2025-06-01" },
      "employee { id }",
    );
    await env.ok(
      "changeCompensation",
      { employeeId: id, amount: { amount: "4200.00", currency: "EUR" }, period: "MONTH", effectiveFrom: "2026-04-01" },
      "employee { id }",
    );
    const query = `query($id: ID!) { employee(id: $id) { name compensation { amount { amount currency } period effectiveFrom } } }`;
    const reader = await env.as(person("reader@erp.local", ["hr:read"])).request(query, { id });
    expect(reader.errors).toEqual([
      expect.objectContaining({
        path: ["employee", "compensation"],
        extensions: expect.objectContaining({ code: "FORBIDDEN" }),
      }),
    ]);
    expect(reader.data?.employee).toEqual({ name: expect.any(String), compensation: null });
    const payroll = await env.as(person("pay@erp.local", ["hr:read", "hr:compensation"])).request(query, { id });
    expect(payroll.errors).toBeUndefined();
    expect(payroll.data.employee.compensation).toEqual({
      amount: { amount: "4200.00", currency: "EUR" },
      period: "MONTH",
      effectiveFrom: "2026-04-01",
    });
    // Changing it needs the scope too: refused before the resolver runs, nothing written.
    const before = await env.snapshot();
    const change = await env
      .as(person("officer@erp.local", ["hr:read", "hr:write"]))
      .request(`mutation($i: ChangeCompensationInput!) { changeCompensation(input: $i) { errors { code } } }`, {
        i: {
          idempotencyKey: "raise-1",
          employeeId: id,
          amount: { amount: "9999.00", currency: "EUR" },
          period: "MONTH",
          effectiveFrom: "2026-04-15",
        },
      });
    expect(change.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "FORBIDDEN" }) }),
    ]);
    expect(await env.snapshot()).toEqual(before);
  });

  it("terminating cancels approved leave after the termination date and gives the days back", async () => {
    const dept = await env.department();
    const id = await env.activeEmployee(dept);
    const annual = await env.leaveType(25);
    const before = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-04-20", endDate: "2026-04-21" },
      LEAVE,
    );
    const after = await env.mutate(
      "requestLeave",
      { employeeId: id, leaveTypeId: annual, startDate: "2026-05-11", endDate: "2026-05-15" },
      LEAVE,
    );
    const hrApprover = env.as(person("hr@erp.local", ["hr:read", "hr:approve"]));
    for (const r of [before, after])
      await env.mutate("approveLeave", { leaveRequestId: r.leaveRequest.id }, LEAVE, hrApprover);
    expect(await env.balance(id)).toMatchObject({ taken: 7 });

    const terminated = await env.ok(
      "terminateEmployee",
      { employeeId: id, effectiveDate: "2026-04-30", reason: "Resigned" },
      "employee { status terminationDate }",
    );
    // Dated ahead: the employee stays until the day comes.
    expect(terminated.employee).toEqual({ status: "ACTIVE", terminationDate: "2026-04-30" });
    const { data } = await env.client.request(`{ leaveRequests(first: 100) { nodes { id status } } }`);
    const status = (rid: string) => data.leaveRequests.nodes.find((n: any) => n.id === rid).status;
    expect([status(before.leaveRequest.id), status(after.leaveRequest.id)]).toEqual(["APPROVED", "CANCELLED"]);
    expect(await env.balance(id)).toMatchObject({ taken: 2 });

    // The daily job on that day ends the employment and announces it.
    const job = (await import("../src/index.js")).hr.jobs!.find((j) => j.name === "employment-day")!;
    env.clock.set("2026-04-30");
    await job.run(env.database.db as never, env.clock);
    env.clock.set("2026-04-15");
    const { data: after30 } = await env.client.request(`query($id: ID!) { employee(id: $id) { status } }`, { id });
    expect(after30.employee.status).toBe("TERMINATED");
    expect((await events(id)).at(-1)).toMatchObject({
      type: "hr.employee.terminated",
      payload: { status: "TERMINATED" },
    });
  });

  it("refuses a department cycle and a manager cycle", async () => {
    const top = await env.department();
    const child = await env.department(top);
    const grandchild = await env.department(child);
    for (const parentId of [top, grandchild]) {
      const errors = await refusedMutation(env.client, env.database.db, "hr", "moveDepartment", "MoveDepartmentInput", {
        departmentId: top,
        parentId,
      });
      expect(errors).toEqual([expect.objectContaining({ code: "DEPARTMENT_CYCLE", field: ["parentId"] })]);
    }
    const boss = await env.activeEmployee(top);
    const lead = await env.activeEmployee(top, { managerId: boss });
    const dev = await env.activeEmployee(top, { managerId: lead });
    for (const managerId of [dev, boss]) {
      const errors = await refusedMutation(env.client, env.database.db, "hr", "changeManager", "ChangeManagerInput", {
        employeeId: boss,
        managerId,
      });
      expect(errors).toEqual([expect.objectContaining({ code: "MANAGER_CYCLE" })]);
    }
    const moved = await env.ok(
      "moveDepartment",
      { departmentId: grandchild, parentId: top },
      "department { parent { id } }",
    );
    expect(moved.department.parent.id).toBe(top);
  });

  it("refuses bad input with business errors and writes nothing", async () => {
    const dept = await env.department();
    const id = await env.activeEmployee(dept);
    const annual = await env.leaveType(25);
    const refused = (mutation: string, type: string, input: Record<string, unknown>) =>
      refusedMutation(env.client, env.database.db, "hr", mutation, type, input);
    const leave = { employeeId: id, leaveTypeId: annual };
    expect(
      await refused("requestLeave", "RequestLeaveInput", { ...leave, startDate: "2026-05-08", endDate: "2026-05-04" }),
    ).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["endDate"] })]);
    // 30 days back is the window (HR_LEAVE_PAST_DAYS): 16 March is inside, 13 March not.
    expect(
      await refused("requestLeave", "RequestLeaveInput", { ...leave, startDate: "2026-03-13", endDate: "2026-03-16" }),
    ).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["startDate"] })]);
    expect(
      await refused("hireEmployee", "HireEmployeeInput", {
        name: "Nobody",
        workEmail: "nobody@erp.local",
        departmentId: "00000000-0000-4000-8000-000000000000",
        jobTitle: "Ghost",
        hireDate: "2026-04-01",
        employmentType: "FULL_TIME",
      }),
    ).toEqual([expect.objectContaining({ code: "DEPARTMENT_NOT_FOUND", field: ["departmentId"] })]);
    expect(
      await refused("defineLeaveType", "DefineLeaveTypeInput", {
        code: "NEG",
        name: "Negative",
        yearlyAllowanceDays: -1,
        allowUnpaidBeyondBalance: false,
      }),
    ).toEqual([expect.objectContaining({ code: "VALIDATION_FAILED", field: ["yearlyAllowanceDays"] })]);
    const email = (await env.client.request(`query($id: ID!) { employee(id: $id) { workEmail } }`, { id })).data
      .employee.workEmail;
    expect(
      await refused("hireEmployee", "HireEmployeeInput", {
        name: "Twin",
        workEmail: email.toUpperCase(),
        departmentId: dept,
        jobTitle: "Twin",
        hireDate: "2026-04-01",
        employmentType: "FULL_TIME",
      }),
    ).toEqual([expect.objectContaining({ code: "WORK_EMAIL_TAKEN" })]);
  });
});
