import { refusedMutation, testDatabaseKind, validationFailedOn } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useHr } from "./harness.js";

const env = useHr();
let dept: string;
let employeeId: string;

beforeAll(async () => {
  dept = await env.department();
  employeeId = await env.activeEmployee(dept);
});

const refused = (mutation: string, type: string, input: Record<string, unknown>) =>
  refusedMutation(env.client, env.database.db, "hr", mutation, type, input);

const hire = (overrides: Record<string, unknown>) =>
  refused("hireEmployee", "HireEmployeeInput", {
    name: "Bounded",
    workEmail: "bounded@erp.local",
    departmentId: dept,
    jobTitle: "Tester",
    hireDate: "2026-04-01",
    employmentType: "FULL_TIME",
    ...overrides,
  });

describe(`HR input bounds on ${testDatabaseKind()}`, () => {
  it.each([
    ["name", { name: "x".repeat(201) }],
    ["name", { name: "Evil\u202Ename" }],
    ["workEmail", { workEmail: "not-an-email" }],
    ["hireDate", { hireDate: "2027-05-01" }],
    ["userSubject", { userSubject: "s".repeat(201) }],
  ])("refuses a hire with a bad %s, writing nothing", async (field, overrides) => {
    expect(await hire(overrides)).toEqual(validationFailedOn(field));
  });

  it.each([
    ["amount.amount", { amount: "100.001", currency: "EUR" }],
    ["amount.amount", { amount: "0", currency: "EUR" }],
    ["amount.amount", { amount: "100000000000000000", currency: "EUR" }],
  ])("refuses compensation with a bad %s", async (field, amount) => {
    const errors = await refused("changeCompensation", "ChangeCompensationInput", {
      employeeId,
      amount,
      period: "MONTH",
      effectiveFrom: "2026-04-01",
    });
    expect(errors).toEqual(validationFailedOn(field));
  });

  it("refuses a termination before the hire date, a department code in lower case and a malformed payroll period", async () => {
    expect(
      await refused("terminateEmployee", "TerminateEmployeeInput", {
        employeeId,
        effectiveDate: "2025-01-01",
        reason: "Typo",
      }),
    ).toEqual(validationFailedOn("effectiveDate"));
    expect(
      await refused("openDepartment", "OpenDepartmentInput", { code: "eng", name: "Eng", costCentre: "CC-1" }),
    ).toEqual(validationFailedOn("code"));
    expect(
      await refused("preparePayrollRun", "PreparePayrollRunInput", { period: "2026-13", kind: "REGULAR" }),
    ).toEqual(validationFailedOn("period"));
  });
});
