import type { ColumnType, Generated } from "kysely";
import {
  EmployeeStatus as EmployeeStatusEnum,
  LeaveRequestStatus as LeaveRequestStatusEnum,
  PayrollRunStatus as PayrollRunStatusEnum,
} from "./generated/enums.js";

type Numeric = ColumnType<string, string, string>;
/** A `date` column: read as YYYY-MM-DD (the kernel's type parser), written as such. */
type Day = string;

export type EmployeeStatus = EmployeeStatusEnum;
export type LeaveRequestStatus = LeaveRequestStatusEnum;
export type PayrollRunStatus = PayrollRunStatusEnum;
export type PayPeriod = "MONTH" | "YEAR";
export type EmploymentType = "FULL_TIME" | "PART_TIME" | "CONTRACTOR" | "INTERN";
export type PayrollRunKind = "REGULAR" | "ADJUSTMENT";

export interface DepartmentsTable {
  id: Generated<string>;
  seq: Generated<string>;
  code: string;
  name: string;
  cost_centre: string;
  parent_id: string | null;
  manager_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
}

export interface EmployeesTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  name: string;
  work_email: string;
  department_id: string;
  manager_id: string | null;
  job_title: string;
  hire_date: Day;
  employment_type: EmploymentType;
  status: Generated<EmployeeStatus>;
  termination_date: Day | null;
  termination_reason: string | null;
  user_subject: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface CompensationsTable {
  employee_id: string;
  effective_from: Day;
  amount: Numeric;
  currency: string;
  period: PayPeriod;
  recorded_by: string;
  recorded_at: Generated<Date>;
}

export interface LeaveTypesTable {
  id: Generated<string>;
  code: string;
  name: string;
  yearly_allowance_days: number;
  allow_unpaid_beyond_balance: boolean;
  version: Generated<number>;
}

export interface LeaveBalancesTable {
  seq: Generated<string>;
  employee_id: string;
  leave_type_id: string;
  year: number;
  allowance: number;
  taken: Generated<number>;
  pending: Generated<number>;
}

export interface LeaveRequestsTable {
  id: Generated<string>;
  seq: Generated<string>;
  employee_id: string;
  leave_type_id: string;
  start_date: Day;
  end_date: Day;
  days: number;
  unpaid_days: Generated<number>;
  status: Generated<LeaveRequestStatus>;
  reason: string | null;
  requested_by: string;
  decided_by: string | null;
  decision_note: string | null;
  version: Generated<number>;
  requested_at: Generated<Date>;
}

export interface PayrollRunsTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  period: string;
  kind: PayrollRunKind;
  status: Generated<PayrollRunStatus>;
  prepared_by: string;
  approved_by: string | null;
  posted_at: Date | null;
  version: Generated<number>;
  created_at: Generated<Date>;
}

export interface PayrollLinesTable {
  run_id: string;
  employee_id: string;
  currency: string;
  monthly_pay: Numeric;
  employed_days: number;
  unpaid_days: number;
  gross: Numeric;
}

export interface PayrollPaymentsTable {
  payment_id: string;
  run_id: string;
  currency: string;
  amount: Numeric;
}

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "employees.status": Object.values(EmployeeStatusEnum),
  "leave_requests.status": Object.values(LeaveRequestStatusEnum),
  "payroll_runs.status": Object.values(PayrollRunStatusEnum),
};

/** The hr schema, as Kysely sees it. */
export interface HrDatabase {
  "hr.departments": DepartmentsTable;
  "hr.employees": EmployeesTable;
  "hr.compensations": CompensationsTable;
  "hr.leave_types": LeaveTypesTable;
  "hr.leave_balances": LeaveBalancesTable;
  "hr.leave_requests": LeaveRequestsTable;
  "hr.payroll_runs": PayrollRunsTable;
  "hr.payroll_lines": PayrollLinesTable;
  "hr.payroll_payments": PayrollPaymentsTable;
}
