import { type DateWindow, defineSettings, setting } from "@erp/core";
import { z } from "zod";

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const isRealDay = (v: string) => ISO_DAY.test(v) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);

/** A comma-separated list of calendar days, e.g. "2026-12-25,2026-12-26"; blank for none. */
const dayList = (variable: string) => ({
  variable,
  fallback: "none",
  expected: "a comma-separated list of dates YYYY-MM-DD (or none)",
  schema: z
    .string()
    .transform((v) => (v === "none" ? [] : v.split(",").map((d) => d.trim())))
    .refine((days) => days.every(isRealDay)) as unknown as z.ZodType<string[], z.ZodTypeDef, string>,
});

/** HR's settings, read from the environment; the subgraph checks them when it is built. */
export const hrSettings = defineSettings({
  leavePastDays: setting.days("HR_LEAVE_PAST_DAYS", 30),
  leaveFutureDays: setting.days("HR_LEAVE_FUTURE_DAYS", 366),
  publicHolidays: dayList("HR_PUBLIC_HOLIDAYS"),
});

/** How far back leave may start (recording leave already taken) and how far ahead it may be asked for. */
export const leaveWindow = (): DateWindow => ({
  pastDays: hrSettings().leavePastDays,
  futureDays: hrSettings().leaveFutureDays,
});

/** The organisation's public holidays: not working days, so never counted as leave. */
export const publicHolidays = (): ReadonlySet<string> => new Set(hrSettings().publicHolidays);
