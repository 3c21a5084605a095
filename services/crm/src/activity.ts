import { ActivityLogged } from "@erp/contracts";
import { type ActionScope, fields, parseInput } from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { activityDateWindow } from "./config.js";
import type { ActivitiesTable, CrmDatabase } from "./db.js";
import { CrmErrorCode, refuse } from "./errors.js";

export type ActivityKind = "CALL" | "EMAIL" | "MEETING" | "NOTE";

export interface Activity {
  id: string;
  kind: ActivityKind;
  subject: string;
  notes: string | null;
  occurredAt: string;
  loggedBy: string;
  customerId: string | null;
  leadId: string | null;
  opportunityId: string | null;
}

export function toActivity(row: Selectable<ActivitiesTable>): Activity {
  return {
    id: row.id,
    kind: row.kind,
    subject: row.subject,
    notes: row.notes,
    occurredAt: new Date(row.occurred_at).toISOString(),
    loggedBy: row.logged_by,
    customerId: row.customer_id,
    leadId: row.lead_id,
    opportunityId: row.opportunity_id,
  };
}

const logActivitySchema = z
  .object({
    kind: z.enum(["CALL", "EMAIL", "MEETING", "NOTE"]),
    subject: fields.text("Subject", 200),
    notes: fields.optionalText("Notes", 5000, { multiline: true }),
    occurredAt: fields.instantWithin("Activity time", activityDateWindow).nullish(),
    customerId: fields.id("customerId").nullish(),
    leadId: fields.id("leadId").nullish(),
    opportunityId: fields.id("opportunityId").nullish(),
  })
  .refine((a) => [a.customerId, a.leadId, a.opportunityId].filter(Boolean).length === 1, {
    message: "Give exactly one of customerId, leadId and opportunityId",
    path: ["customerId"],
  });

/** Where an activity is logged: table, column and the not-found code for its id. */
const TARGETS = [
  { key: "customerId", table: "crm.customers", code: CrmErrorCode.CUSTOMER_NOT_FOUND, what: "The customer" },
  { key: "leadId", table: "crm.leads", code: CrmErrorCode.LEAD_NOT_FOUND, what: "The lead" },
  {
    key: "opportunityId",
    table: "crm.opportunities",
    code: CrmErrorCode.OPPORTUNITY_NOT_FOUND,
    what: "The opportunity",
  },
] as const;

export async function logActivity(scope: ActionScope<CrmDatabase>, input: z.input<typeof logActivitySchema>) {
  const data = parseInput(logActivitySchema, input);
  const target = TARGETS.find((t) => data[t.key])!;
  const targetId = data[target.key]!;
  const exists = await scope.trx.selectFrom(target.table).select("id").where("id", "=", targetId).executeTakeFirst();
  if (!exists) refuse(target.code, `${target.what} does not exist`, target.key);
  const row = await scope.trx
    .insertInto("crm.activities")
    .values({
      kind: data.kind,
      subject: data.subject,
      notes: data.notes,
      occurred_at: data.occurredAt ? new Date(data.occurredAt) : scope.now(),
      logged_by: scope.actor.subject,
      customer_id: data.customerId ?? null,
      lead_id: data.leadId ?? null,
      opportunity_id: data.opportunityId ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const activity = toActivity(row);
  await scope.audit("Activity", activity.id, { kind: activity.kind, [target.key]: targetId });
  await scope.emit(ActivityLogged, activity.id, {
    activityId: activity.id,
    kind: activity.kind,
    [target.key]: targetId,
  });
  return activity;
}
