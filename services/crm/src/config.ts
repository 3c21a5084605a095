import { type DateWindow, defineSettings, setting } from "@erp/core";

/** The CRM's settings, read from the environment; the subgraph checks them when it is built. */
export const crmSettings = defineSettings({
  activityPastDays: setting.days("ACTIVITY_DATE_PAST_DAYS", 1830),
  activityFutureDays: setting.days("ACTIVITY_DATE_FUTURE_DAYS", 1),
  opportunityCloseHorizonDays: setting.days("OPPORTUNITY_CLOSE_HORIZON_DAYS", 1830),
});

/**
 * When a logged activity may have happened: five years back (history imported from a previous
 * CRM) to one day ahead (the caller's time zone). It records what happened, not what is planned.
 */
export const activityDateWindow = (): DateWindow => ({
  pastDays: crmSettings().activityPastDays,
  futureDays: crmSettings().activityFutureDays,
});

/** An expected close date: from yesterday (time zones) to five years ahead, a long sales cycle's end. */
export const expectedCloseDateWindow = (): DateWindow => ({
  pastDays: 1,
  futureDays: crmSettings().opportunityCloseHorizonDays,
});
