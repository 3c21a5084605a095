import { listLoaderByKey, loaderById } from "@erp/core";
import DataLoader from "dataloader";
import { type Kysely, sql } from "kysely";
import { type Activity, toActivity } from "./activity.js";
import { toContact } from "./contact.js";
import { toCustomer } from "./customer.js";
import type { CrmDatabase } from "./db.js";
import { toLead } from "./lead.js";
import { toOpportunity } from "./opportunity.js";

export type ActivityTarget = "customer_id" | "lead_id" | "opportunity_id";

/** Recent activities of one customer, lead or opportunity. */
export interface ActivityKey {
  target: ActivityTarget;
  id: string;
  first: number;
}

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createCrmLoaders(db: Kysely<CrmDatabase>) {
  return {
    customer: loaderById(async (ids) =>
      (await db.selectFrom("crm.customers").selectAll().where("id", "in", ids).execute()).map(toCustomer),
    ),
    lead: loaderById(async (ids) =>
      (await db.selectFrom("crm.leads").selectAll().where("id", "in", ids).execute()).map(toLead),
    ),
    opportunity: loaderById(async (ids) =>
      (await db.selectFrom("crm.opportunities").selectAll().where("id", "in", ids).execute()).map(toOpportunity),
    ),
    contactsOfCustomer: listLoaderByKey(
      (ids) => db.selectFrom("crm.contacts").selectAll().where("customer_id", "in", ids).orderBy("seq").execute(),
      (r) => r.customer_id,
      toContact,
    ),
    opportunitiesOfCustomer: listLoaderByKey(
      (ids) => db.selectFrom("crm.opportunities").selectAll().where("customer_id", "in", ids).orderBy("seq").execute(),
      (r) => r.customer_id,
      toOpportunity,
    ),
    recentActivities: new DataLoader<ActivityKey, Activity[], string>((keys) => loadRecentActivities(db, keys), {
      cacheKeyFn: (k) => `${k.target}:${k.id}:${k.first}`,
    }),
  };
}

export type CrmLoaders = ReturnType<typeof createCrmLoaders>;

async function loadRecentActivities(db: Kysely<CrmDatabase>, keys: readonly ActivityKey[]): Promise<Activity[][]> {
  const targets = [...new Set(keys.map((k) => k.target))];
  const rows = (
    await Promise.all(
      targets.map((t) =>
        newestActivities(
          db,
          t,
          keys.filter((k) => k.target === t),
        ),
      ),
    )
  ).flat();
  return keys.map((k) => rows.filter((r) => r[k.target] === k.id && r.rank <= k.first).map(toActivity));
}

/** One statement per kind of target: rank each target's activities and keep the newest. */
function newestActivities(db: Kysely<CrmDatabase>, target: ActivityTarget, keys: ActivityKey[]) {
  const limit = Math.max(...keys.map((k) => k.first));
  const ids = [...new Set(keys.map((k) => k.id))];
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom("crm.activities")
        .selectAll()
        .select(
          sql<number>`(row_number() over (partition by ${sql.ref(target)} order by occurred_at desc, seq desc))::int`.as(
            "rank",
          ),
        )
        .where(target, "in", ids)
        .as("ranked"),
    )
    .selectAll()
    .where("rank", "<=", limit)
    .orderBy("rank")
    .execute();
}
