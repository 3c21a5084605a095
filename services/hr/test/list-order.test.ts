import { testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useHr } from "./harness.js";

const env = useHr();
/** Hired in this order: names tie in pairs, so the tie-breaker (hiring) shows; the first three start working. */
const PEOPLE = [
  ["Ordo Beta", "2025-03-01"],
  ["Ordo Alpha", "2025-01-06"],
  ["Ordo Beta", "2025-02-01"],
  ["Ordo Gamma", "2025-01-06"],
  ["Ordo Alpha", "2025-03-01"],
] as const;
const employees: string[] = [];
/** Requested in this order by two leavers (the first day ties in pairs); the third is withdrawn. */
const LEAVES = [
  [0, "2026-06-08"],
  [1, "2026-05-04"],
  [1, "2026-06-08"],
  [0, "2026-05-04"],
  [0, "2026-07-06"],
] as const;
const requests: string[] = [];

beforeAll(async () => {
  const department = await env.department();
  for (const [i, [name, hireDate]] of PEOPLE.entries())
    employees.push(await (i < 3 ? env.activeEmployee : env.hire)(department, { name, hireDate }));
  const leavers = [
    await env.activeEmployee(department, { name: "Leaver One" }),
    await env.activeEmployee(department, { name: "Leaver Two" }),
  ];
  const annual = await env.leaveType(25);
  for (const [who, startDate] of LEAVES) {
    const { leaveRequest } = await env.ok(
      "requestLeave",
      { employeeId: leavers[who], leaveTypeId: annual, startDate, endDate: startDate },
      "leaveRequest { id }",
    );
    requests.push(leaveRequest.id);
  }
  await env.ok("cancelLeave", { leaveRequestId: requests[2] }, "leaveRequest { status }");
});

const EMPLOYEE_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: EmployeeOrder, $filter: EmployeeFilter) {
  employees(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const LEAVE_LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: LeaveRequestOrder, $filter: LeaveRequestFilter) {
  leaveRequests(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy, filter: $filter) {
    nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const employee = (...i: number[]) => i.map((n) => employees[n]!);
const request = (...i: number[]) => i.map((n) => requests[n]!);

describe(`the employee list's orders and filters on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false, filter: unknown = { search: "ordo" }) =>
    walkConnection(env.client, EMPLOYEE_LIST, "employees", { size: 2, backward, variables: { orderBy, filter } });

  it("sorts by name and hire date both ways, ties by hiring in the same direction, the same rows forward and backward", async () => {
    const byName = employee(1, 4, 0, 2, 3);
    expect((await walk({ key: "NAME", direction: "ASC" })).flat()).toEqual(byName);
    expect((await walk({ key: "NAME", direction: "ASC" }, true)).flat()).toEqual(byName);
    const byHire = employee(4, 0, 2, 3, 1);
    expect((await walk({ key: "HIRE_DATE", direction: "DESC" })).flat()).toEqual(byHire);
    expect(await walk({ key: "HIRE_DATE", direction: "DESC" }, true)).toEqual([
      byHire.slice(0, 1),
      byHire.slice(1, 3),
      byHire.slice(3),
    ]);
  });

  it("narrows by a status set, a hire-date range and a search, and counts the whole filtered list", async () => {
    const working = await env.client.request(EMPLOYEE_LIST, {
      first: 1,
      filter: { search: "ordo", statuses: ["ACTIVE", "ON_LEAVE"] },
      orderBy: { key: "NAME", direction: "DESC" },
    });
    expect(working.data.employees).toMatchObject({ nodes: [{ id: employees[2] }], totalCount: 3 });
    const onboarding = await env.client.request(EMPLOYEE_LIST, {
      first: 5,
      filter: { statuses: ["ONBOARDING"], hiredFrom: "2025-02-01", hiredTo: "2025-12-31" },
    });
    expect(onboarding.data.employees).toMatchObject({ nodes: [{ id: employees[4] }], totalCount: 1 });
    const alphas = await env.client.request(EMPLOYEE_LIST, { first: 5, filter: { search: "ORDO ALPHA" } });
    expect(alphas.data.employees.totalCount).toBe(2);
  });
});

describe(`the leave request list's orders and filters on ${testDatabaseKind()}`, () => {
  const walk = (orderBy: unknown, backward = false, filter: unknown = null) =>
    walkConnection(env.client, LEAVE_LIST, "leaveRequests", { size: 2, backward, variables: { orderBy, filter } });

  it("sorts by first day both ways, ties by request in the same direction, the same rows forward and backward", async () => {
    const asc = request(1, 3, 0, 2, 4);
    expect((await walk({ key: "START_DATE", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walk({ key: "START_DATE", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = request(4, 2, 0, 3, 1);
    expect((await walk({ key: "START_DATE", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walk({ key: "START_DATE", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 1),
      desc.slice(1, 3),
      desc.slice(3),
    ]);
    expect((await walk(null)).flat()).toEqual(request(4, 3, 2, 1, 0));
  });

  it("narrows by a status set and a start range, and counts the whole filtered list", async () => {
    const open = await env.client.request(LEAVE_LIST, {
      first: 1,
      filter: { statuses: ["SUBMITTED", "APPROVED"], startFrom: "2026-05-01", startTo: "2026-06-30" },
      orderBy: { key: "START_DATE", direction: "DESC" },
    });
    expect(open.data.leaveRequests).toMatchObject({ nodes: [{ id: requests[0] }], totalCount: 3 });
    const withdrawn = await env.client.request(LEAVE_LIST, { first: 5, filter: { statuses: ["CANCELLED"] } });
    expect(withdrawn.data.leaveRequests).toMatchObject({ nodes: [{ id: requests[2] }], totalCount: 1 });
    const all = await env.client.request(LEAVE_LIST, { first: 1 });
    expect(all.data.leaveRequests.totalCount).toBe(5);
  });
});
