import { newKey, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { hr } from "../src/index.js";

("employee { id number name status departmentId: department { id } manager { id } version } errors { code field message }");
export const LEAVE = "leaveRequest { id status days unpaidDays } errors { code field message }";
export const RUN =
  "payrollRun { id number status kind totals { amount currency } lines { employee { id } employedDays unpaidDays monthlyPay { amount } gross { amount currency } } } errors { code field message }";

/** Input types not named after their mutation. */
const INPUT_TYPES: Record<string, string> = {
  activateEmployee: "EmployeeActionInput",
  approveLeave: "DecideLeaveInput",
  rejectLeave: "DecideLeaveInput",
  approvePayrollRun: "PayrollRunActionInput",
  postPayrollRun: "PayrollRunActionInput",
};
export const inputType = (mutation: string) =>
  INPUT_TYPES[mutation] ?? `${mutation[0]!.toUpperCase()}${mutation.slice(1)}Input`;

type Client = SubgraphEnv["client"];

/**
 * The shared subgraph harness on the HR module, with the clock on Wednesday 2026-04-15, and
 * helpers for the usual steps: open a department, hire, define leave types, run mutations.
 */
export function useHr(today = "2026-04-15") {
  const env = useSubgraph(hr);
  env.clock.set(today);

  /** Runs a mutation with a fresh key and returns its payload. */
  async function mutate(
    mutation: string,
    input: Record<string, unknown>,
    selection: string,
    client: Client = env.client,
  ) {
    const { data, errors } = await client.request(
      `mutation($i: ${inputType(mutation)}!) { ${mutation}(input: $i) { ${selection} } }`,
      { i: { idempotencyKey: newKey(), ...input } },
    );
    if (errors) throw new Error(JSON.stringify(errors));
    return data[mutation];
  }

  /** Like mutate, but the action must succeed; returns the payload's named entity. */
  async function ok(mutation: string, input: Record<string, unknown>, selection: string, client: Client = env.client) {
    const payload = await mutate(mutation, input, `${selection} errors { code field message }`, client);
    if (payload.errors.length) throw new Error(`${mutation}: ${JSON.stringify(payload.errors)}`);
    return payload;
  }

  let counter = 0;
  async function department(parentId: string | null = null) {
    const code = `D-${++counter}-${Math.random().toString(36).slice(2, 6).toUpperCase()}`;
    const p = await ok(
      "openDepartment",
      { code, name: `Dept ${code}`, costCentre: `CC-${counter}`, parentId },
      "department { id }",
    );
    return p.department.id as string;
  }

  async function hire(departmentId: string, extra: Record<string, unknown> = {}) {
    const n = ++counter;
    const p = await ok(
      "hireEmployee",
      {
        name: `Person ${n}`,
        workEmail: `person.${n}.${Math.random().toString(36).slice(2, 8)}@erp.local`,
        departmentId,
        jobTitle: "Engineer",
        hireDate: "2025-01-06",
        employmentType: "FULL_TIME",
        ...extra,
      },
      "employee { id }",
    );
    return p.employee.id as string;
  }

  async function activeEmployee(departmentId: string, extra: Record<string, unknown> = {}) {
    const id = await hire(departmentId, extra);
    await ok("activateEmployee", { employeeId: id }, "employee { id }");
    return id;
  }

  async function leaveType(yearlyAllowanceDays: number, allowUnpaidBeyondBalance = false) {
    const code = `LT-${++counter}`;
    const p = await ok(
      "defineLeaveType",
      { code, name: `Leave ${code}`, yearlyAllowanceDays, allowUnpaidBeyondBalance },
      "leaveType { id }",
    );
    return p.leaveType.id as string;
  }

  async function balance(employeeId: string, year = 2026) {
    const { data } = await env.client.request(
      `query($id: ID!, $y: Int) { employee(id: $id) { leaveBalances(year: $y) { allowance taken pending available } } }`,
      { id: employeeId, y: year },
    );
    return data.employee.leaveBalances[0];
  }

  return Object.assign(env, { mutate, ok, department, hire, activeEmployee, leaveType, balance });
}
