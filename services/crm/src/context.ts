import { type DateWindow, daysSetting, type SubgraphContext } from "@erp/core";
import type { CrmDatabase } from "./db.js";
import type { CrmLoaders } from "./loaders.js";

/** What every CRM resolver receives, in-process or in its own server. */
export type CrmContext = SubgraphContext<CrmDatabase, CrmLoaders> & { domain: string };

/**
 * When a logged activity may have happened: five years back (history imported from a previous
 * CRM) to one day ahead (the caller's time zone). It records what happened, not what is planned.
 */
export const activityDateWindow = (): DateWindow => ({
  pastDays: daysSetting("ACTIVITY_DATE_PAST_DAYS", 1830),
  futureDays: daysSetting("ACTIVITY_DATE_FUTURE_DAYS", 1),
});

/** An expected close date: from yesterday (time zones) to five years ahead, a long sales cycle's end. */
export const expectedCloseDateWindow = (): DateWindow => ({
  pastDays: 1,
  futureDays: daysSetting("OPPORTUNITY_CLOSE_HORIZON_DAYS", 1830),
});
