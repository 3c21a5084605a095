import { sql } from "@erp/core";
import type { Kysely } from "kysely";
import type { HrDatabase } from "./db.js";
import { type Department, toDepartment } from "./department.js";
import { type Employee, toEmployee } from "./employee.js";
import { type HrLoaders, prime } from "./loaders.js";

export interface OrgChartUnit {
  department: Department;
  depth: number;
  people: Employee[];
}

/**
 * A department's subtree, top first then by depth, with each department's people: two statements
 * (a recursive CTE, then the people of every department found) whatever the size of the tree.
 * The loaders are primed, so the units' departments and people resolve without more SQL.
 */
export async function orgChart(db: Kysely<HrDatabase>, loaders: HrLoaders, rootId: string): Promise<OrgChartUnit[]> {
  const { rows } = await sql<Parameters<typeof toDepartment>[0] & { depth: number }>`
    /* orgChart */
    with recursive tree as (
      select d.*, 0 as depth from hr.departments d where d.id = ${rootId}
      union all
      select d.*, tree.depth + 1 from hr.departments d join tree on d.parent_id = tree.id
    )
    select * from tree order by depth, seq`.execute(db);
  if (!rows.length) return [];
  const departments = rows.map(toDepartment);
  const people = (
    await db
      .selectFrom("hr.employees")
      .selectAll()
      .where(
        "department_id",
        "in",
        departments.map((d) => d.id),
      )
      .where("status", "<>", "TERMINATED")
      .orderBy("name")
      .execute()
  ).map(toEmployee);
  prime(loaders.department, departments);
  prime(loaders.employee, people);
  return rows.map((row, i) => ({
    department: departments[i]!,
    depth: Number(row.depth),
    people: people.filter((p) => p.departmentId === row.id),
  }));
}
