import { runStatements } from "@erp/core";
import { type Kysely, sql } from "kysely";

// Migrations take Kysely<any> so they stay frozen in time, whatever the types become.
export async function up(db: Kysely<any>): Promise<void> {
  await runStatements(db, [
    sql`create sequence hr.employee_number_seq`,
    sql`create sequence hr.payroll_run_number_seq`,
    sql`
      create table hr.departments (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        code text not null,
        name text not null,
        cost_centre text not null,
        parent_id uuid references hr.departments (id),
        manager_id uuid,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        constraint departments_code_key unique (code),
        check (parent_id is distinct from id)
      )`,
    sql`create index departments_parent on hr.departments (parent_id)`,
    sql`
      create table hr.employees (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        name text not null,
        work_email text not null,
        department_id uuid not null references hr.departments (id),
        manager_id uuid references hr.employees (id),
        job_title text not null,
        hire_date date not null,
        employment_type text not null check (employment_type in ('FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'INTERN')),
        status text not null default 'ONBOARDING' check (status in ('ONBOARDING', 'ACTIVE', 'ON_LEAVE', 'TERMINATED')),
        termination_date date,
        termination_reason text,
        user_subject text,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (manager_id is distinct from id),
        check (termination_date is null or termination_date >= hire_date)
      )`,
    // Work emails are unique whatever their letter case.
    sql`create unique index employees_work_email_key on hr.employees (lower(work_email))`,
    sql`create unique index employees_user_subject_key on hr.employees (user_subject) where user_subject is not null`,
    sql`create index employees_department on hr.employees (department_id, seq)`,
    sql`create index employees_manager on hr.employees (manager_id)`,
    sql`alter table hr.departments add foreign key (manager_id) references hr.employees (id)`,
    sql`
      create table hr.compensations (
        employee_id uuid not null references hr.employees (id),
        effective_from date not null,
        amount numeric(20, 4) not null check (amount > 0),
        currency char(3) not null,
        period text not null check (period in ('MONTH', 'YEAR')),
        recorded_by text not null,
        recorded_at timestamptz not null default now(),
        primary key (employee_id, effective_from)
      )`,
    sql`
      create table hr.leave_types (
        id uuid primary key default gen_random_uuid(),
        code text not null unique,
        name text not null,
        yearly_allowance_days integer not null check (yearly_allowance_days between 0 and 366),
        allow_unpaid_beyond_balance boolean not null,
        version integer not null default 1
      )`,
    sql`
      create table hr.leave_balances (
        seq bigint generated always as identity unique,
        employee_id uuid not null references hr.employees (id),
        leave_type_id uuid not null references hr.leave_types (id),
        year integer not null,
        allowance integer not null check (allowance >= 0),
        taken integer not null default 0 check (taken >= 0),
        pending integer not null default 0 check (pending >= 0),
        primary key (employee_id, leave_type_id, year)
      )`,
    sql`
      create table hr.leave_requests (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        employee_id uuid not null references hr.employees (id),
        leave_type_id uuid not null references hr.leave_types (id),
        start_date date not null,
        end_date date not null,
        days integer not null check (days > 0),
        unpaid_days integer not null default 0 check (unpaid_days between 0 and days),
        status text not null default 'SUBMITTED' check (status in ('SUBMITTED', 'APPROVED', 'REJECTED', 'CANCELLED')),
        reason text,
        requested_by text not null,
        decided_by text,
        decision_note text,
        version integer not null default 1,
        requested_at timestamptz not null default now(),
        check (end_date >= start_date and extract(year from start_date) = extract(year from end_date))
      )`,
    sql`create index leave_requests_employee on hr.leave_requests (employee_id, start_date)`,
    sql`
      create table hr.payroll_runs (
        id uuid primary key default gen_random_uuid(),
        seq bigint generated always as identity unique,
        number text not null unique,
        period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        kind text not null check (kind in ('REGULAR', 'ADJUSTMENT')),
        status text not null default 'DRAFT' check (status in ('DRAFT', 'APPROVED', 'POSTED', 'PAID')),
        prepared_by text not null,
        approved_by text,
        posted_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now()
      )`,
    // One REGULAR run per month: running the same period twice pays once.
    sql`create unique index payroll_runs_regular_period on hr.payroll_runs (period) where kind = 'REGULAR'`,
    sql`
      create table hr.payroll_lines (
        run_id uuid not null references hr.payroll_runs (id),
        employee_id uuid not null references hr.employees (id),
        currency char(3) not null,
        monthly_pay numeric(20, 4) not null,
        employed_days integer not null check (employed_days between 0 and 31),
        unpaid_days integer not null check (unpaid_days between 0 and 31),
        gross numeric(20, 4) not null,
        primary key (run_id, employee_id, currency)
      )`,
    // What finance paid of a posted run, per currency, from its PayrollPaid events.
    sql`
      create table hr.payroll_payments (
        payment_id uuid primary key,
        run_id uuid not null references hr.payroll_runs (id),
        currency char(3) not null,
        amount numeric(20, 4) not null
      )`,
  ]);
}
