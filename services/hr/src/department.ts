import { type ActionScope, fields, parseInput, sql } from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { DepartmentsTable, HrDatabase } from "./db.js";
import { HrErrorCode, notFound, refuse } from "./errors.js";

export interface Department {
  id: string;
  code: string;
  name: string;
  costCentre: string;
  parentId: string | null;
  managerId: string | null;
  version: number;
  cursorPosition: string;
}

export function toDepartment(row: Selectable<DepartmentsTable>): Department {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    costCentre: row.cost_centre,
    parentId: row.parent_id,
    managerId: row.manager_id,
    version: row.version,
    cursorPosition: row.seq,
  };
}

/** A department that exists; refuses DEPARTMENT_NOT_FOUND naming the field. */
export async function assertDepartment(db: Kysely<HrDatabase>, id: string, field: string) {
  const row = await db.selectFrom("hr.departments").selectAll().where("id", "=", id).executeTakeFirst();
  return row ?? notFound(HrErrorCode.DEPARTMENT_NOT_FOUND, "The department", field);
}

const code = (what: string) =>
  fields.code(what, /^[A-Z0-9-]{2,20}$/, `${what} must be 2 to 20 capital letters, digits or dashes`);

const openSchema = z.object({
  code: code("Code"),
  name: fields.text("Name", 200),
  costCentre: fields.code(
    "Cost centre",
    /^[A-Za-z0-9-]{1,40}$/,
    "Cost centre must be 1 to 40 letters, digits or dashes",
  ),
  parentId: fields.id("parentId").nullish(),
});

export async function openDepartment(scope: ActionScope<HrDatabase>, input: z.input<typeof openSchema>) {
  const data = parseInput(openSchema, input);
  if (data.parentId) await assertDepartment(scope.trx, data.parentId, "parentId");
  const taken = await scope.trx
    .selectFrom("hr.departments")
    .select("id")
    .where("code", "=", data.code)
    .executeTakeFirst();
  if (taken) refuse(HrErrorCode.DEPARTMENT_CODE_TAKEN, `Another department has the code ${data.code}`, "code");
  const row = await scope.trx
    .insertInto("hr.departments")
    .values({ code: data.code, name: data.name, cost_centre: data.costCentre, parent_id: data.parentId ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Department", row.id, { code: row.code, parentId: row.parent_id });
  return toDepartment(row);
}

/** Ids of a department and every department below it, in one recursive statement. */
export async function subtreeIds(db: Kysely<HrDatabase>, rootId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    /* departmentSubtree */
    with recursive tree as (
      select id from hr.departments where id = ${rootId}
      union
      select d.id from hr.departments d join tree on d.parent_id = tree.id
    )
    select id from tree`.execute(db);
  return rows.map((r) => r.id);
}

const moveSchema = z.object({ departmentId: fields.id("departmentId"), parentId: fields.id("parentId").nullish() });

export async function moveDepartment(scope: ActionScope<HrDatabase>, input: z.input<typeof moveSchema>) {
  const data = parseInput(moveSchema, input);
  // Two concurrent moves could each pass the cycle check and together close a loop: one at a time.
  await sql`lock table hr.departments in share row exclusive mode`.execute(scope.trx);
  const current = await lockDepartment(scope.trx, data.departmentId);
  if (data.parentId) {
    await assertDepartment(scope.trx, data.parentId, "parentId");
    if ((await subtreeIds(scope.trx, current.id)).includes(data.parentId))
      refuse(
        HrErrorCode.DEPARTMENT_CYCLE,
        `${current.name} cannot move below itself or one of its own departments`,
        "parentId",
      );
  }
  const row = await scope.trx
    .updateTable("hr.departments")
    .set((eb) => ({ parent_id: data.parentId ?? null, version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Department", row.id, { from: current.parent_id, to: row.parent_id });
  return toDepartment(row);
}

async function lockDepartment(trx: Transaction<HrDatabase>, id: string) {
  const row = await trx.selectFrom("hr.departments").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
  return row ?? notFound(HrErrorCode.DEPARTMENT_NOT_FOUND, "The department", "departmentId");
}

const appointSchema = z.object({ departmentId: fields.id("departmentId"), employeeId: fields.id("employeeId") });

export async function appointDepartmentManager(scope: ActionScope<HrDatabase>, input: z.input<typeof appointSchema>) {
  const data = parseInput(appointSchema, input);
  const current = await lockDepartment(scope.trx, data.departmentId);
  const manager = await scope.trx
    .selectFrom("hr.employees")
    .select(["id", "status", "name"])
    .where("id", "=", data.employeeId)
    .executeTakeFirst();
  if (!manager) return notFound(HrErrorCode.EMPLOYEE_NOT_FOUND, "The employee", "employeeId");
  if (manager.status === "TERMINATED")
    refuse(HrErrorCode.EMPLOYEE_TERMINATED, `${manager.name} is terminated`, "employeeId");
  const row = await scope.trx
    .updateTable("hr.departments")
    .set((eb) => ({ manager_id: manager.id, version: eb("version", "+", 1) }))
    .where("id", "=", current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("Department", row.id, { manager: manager.id });
  return toDepartment(row);
}
