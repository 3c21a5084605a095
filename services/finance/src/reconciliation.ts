import { ReconciliationDiscrepanciesFound } from "@erp/contracts";
import { type ActionScope, defineStateMachine, fields, parseInput, sql } from "@erp/core";
import type { Kysely, Selectable, Transaction } from "kysely";
import { z } from "zod";
import type { AlertStatus, FinanceDatabase, ReconciliationAlertsTable, ReconciliationRunsTable } from "./db.js";
import { FinanceErrorCode, notFound } from "./errors.js";
import { type Discrepancy, RECONCILIATION_CHECKS } from "./reconciliation-checks.js";

export const alertLifecycle = defineStateMachine<AlertStatus>("Reconciliation alert", {
  OPEN: ["ACKNOWLEDGED", "RESOLVED"],
  ACKNOWLEDGED: ["RESOLVED"],
  RESOLVED: [],
});

export type ReconciliationRun = ReturnType<typeof toRun>;
export type ReconciliationAlert = ReturnType<typeof toAlert>;

export const toRun = (r: Selectable<ReconciliationRunsTable>) => ({
  id: r.id,
  trigger: r.trigger,
  windowStart: new Date(r.window_start).toISOString(),
  windowEnd: new Date(r.window_end).toISOString(),
  checks: r.checks,
  discrepancies: r.discrepancies,
  opened: r.opened,
  resolved: r.resolved,
  durationMs: r.duration_ms,
  outcome: r.outcome,
  startedBy: r.started_by,
});

export const toAlert = (a: Selectable<ReconciliationAlertsTable>) => ({
  id: a.id,
  kind: a.kind,
  severity: a.severity,
  fingerprint: a.fingerprint,
  description: a.description,
  documents: a.documents,
  expected: a.expected,
  found: a.found,
  status: a.status,
  acknowledgedBy: a.acknowledged_by,
  resolvedBy: a.resolved_by,
  resolution: a.resolution,
  firstSeenAt: new Date(a.created_at).toISOString(),
  lastSeenRunId: a.last_seen_run_id,
});

/**
 * Runs every check, raises an alert per new discrepancy, refreshes the alerts of known ones,
 * resolves the alerts whose discrepancy is gone, and records the run. Runs are serialised by an
 * advisory lock; reruns never duplicate an alert (one live alert per fingerprint).
 */
export async function reconcile(trx: Transaction<FinanceDatabase>, trigger: "SCHEDULE" | "ON_DEMAND", actor: string) {
  const started = Date.now();
  await sql`select pg_advisory_xact_lock(hashtext('finance.reconciliation'))`.execute(trx);
  const previous = await trx
    .selectFrom("finance.reconciliation_runs")
    .select("window_end")
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const found: Discrepancy[] = [];
  for (const check of RECONCILIATION_CHECKS) found.push(...(await check(trx)));
  const live = await trx
    .selectFrom("finance.reconciliation_alerts")
    .selectAll()
    .where("status", "<>", "RESOLVED")
    .execute();
  const liveByPrint = new Map(live.map((a) => [a.fingerprint, a]));
  const fresh = found.filter((d) => !liveByPrint.has(d.fingerprint));
  const gone = live.filter((a) => !found.some((d) => d.fingerprint === a.fingerprint));
  const run = await trx
    .insertInto("finance.reconciliation_runs")
    .values({
      trigger,
      window_start: previous?.window_end ?? new Date(0),
      window_end: new Date(),
      checks: RECONCILIATION_CHECKS.length,
      discrepancies: found.length,
      opened: fresh.length,
      resolved: gone.length,
      duration_ms: 0,
      outcome: found.length ? "NOT_OK" : "OK",
      started_by: actor,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const d of found) await raiseOrRefresh(trx, d, run.id, liveByPrint.get(d.fingerprint)?.id);
  if (gone.length)
    await trx
      .updateTable("finance.reconciliation_alerts")
      .set({
        status: "RESOLVED",
        resolved_by: "reconciliation",
        resolution: "The discrepancy is no longer found",
        last_seen_run_id: run.id,
        updated_at: sql`now()`,
      })
      .where(
        "id",
        "in",
        gone.map((a) => a.id),
      )
      .execute();
  // The duration is known only now; the run row is the run's own record, so it is updated once.
  const finished = await trx
    .updateTable("finance.reconciliation_runs")
    .set({ duration_ms: Date.now() - started })
    .where("id", "=", run.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRun(finished);
}

async function raiseOrRefresh(
  trx: Transaction<FinanceDatabase>,
  d: Discrepancy,
  runId: string,
  existing: string | undefined,
) {
  if (existing) {
    await trx
      .updateTable("finance.reconciliation_alerts")
      .set({ expected: d.expected, found: d.found, last_seen_run_id: runId, updated_at: sql`now()` })
      .where("id", "=", existing)
      .execute();
    return;
  }
  await trx
    .insertInto("finance.reconciliation_alerts")
    .values({
      kind: d.kind,
      severity: d.severity,
      fingerprint: d.fingerprint,
      description: d.description,
      documents: JSON.stringify(d.documents),
      expected: d.expected,
      found: d.found,
      first_run_id: runId,
      last_seen_run_id: runId,
    })
    .execute();
}

/** The scheduled reconciliation, as a pg-boss job: its own transaction, the system as actor. */
export async function scheduledReconciliation(db: Kysely<FinanceDatabase>): Promise<void> {
  await db.transaction().execute((trx) => reconcile(trx, "SCHEDULE", "system:reconciliation-job"));
}

export async function runReconciliation(scope: ActionScope<FinanceDatabase>) {
  const run = await reconcile(scope.trx, "ON_DEMAND", scope.actor.subject);
  await scope.audit("ReconciliationRun", run.id, { outcome: run.outcome, discrepancies: run.discrepancies });
  if (run.outcome === "NOT_OK")
    await scope.emit(ReconciliationDiscrepanciesFound, run.id, {
      runId: run.id,
      discrepancies: run.discrepancies,
      opened: run.opened,
    });
  return run;
}

const alertSchema = z.object({
  alertId: fields.id("alertId"),
  note: fields.optionalText("Note", 1000, { multiline: true }),
});

async function moveAlert(
  scope: ActionScope<FinanceDatabase>,
  input: z.input<typeof alertSchema>,
  to: "ACKNOWLEDGED" | "RESOLVED",
) {
  const data = parseInput(alertSchema, input);
  const alert = await scope.trx
    .selectFrom("finance.reconciliation_alerts")
    .selectAll()
    .where("id", "=", data.alertId)
    .forUpdate()
    .executeTakeFirst();
  if (!alert) return notFound(FinanceErrorCode.ALERT_NOT_FOUND, "The alert", "alertId");
  alertLifecycle.assertTransition(alert.status, to);
  const row = await scope.trx
    .updateTable("finance.reconciliation_alerts")
    .set({
      status: to,
      ...(to === "ACKNOWLEDGED"
        ? { acknowledged_by: scope.actor.subject }
        : { resolved_by: scope.actor.subject, resolution: data.note ?? "Resolved by an operator" }),
      updated_at: sql`now()`,
    })
    .where("id", "=", alert.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await scope.audit("ReconciliationAlert", row.id, { from: alert.status, to, note: data.note });
  return toAlert(row);
}

export const acknowledgeAlert = (scope: ActionScope<FinanceDatabase>, input: z.input<typeof alertSchema>) =>
  moveAlert(scope, input, "ACKNOWLEDGED");
export const resolveAlert = (scope: ActionScope<FinanceDatabase>, input: z.input<typeof alertSchema>) =>
  moveAlert(scope, input, "RESOLVED");
