import { publicHolidays } from "./config.js";

const DAY_MS = 86_400_000;
const toTime = (day: string) => Date.parse(`${day}T00:00:00Z`);
const toDay = (time: number) => new Date(time).toISOString().slice(0, 10);

/** A day shifted by whole days. */
export const addDays = (day: string, days: number): string => toDay(toTime(day) + days * DAY_MS);

/** Calendar days from `from` to `to`, both included; 0 when `to` is before `from`. */
export const calendarDays = (from: string, to: string): number =>
  to < from ? 0 : Math.round((toTime(to) - toTime(from)) / DAY_MS) + 1;

/** Monday to Friday, except the configured public holidays, from `from` to `to` inclusive. */
export function workingDays(from: string, to: string): string[] {
  const holidays = publicHolidays();
  const days: string[] = [];
  for (let t = toTime(from); t <= toTime(to); t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    const day = toDay(t);
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) days.push(day);
  }
  return days;
}

/** First and last day of a month "YYYY-MM". */
export function monthBounds(period: string): { first: string; last: string; days: number } {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { first: `${period}-01`, last: `${period}-${String(days).padStart(2, "0")}`, days };
}

export const later = (a: string, b: string): string => (a > b ? a : b);
export const earlier = (a: string, b: string): string => (a < b ? a : b);
