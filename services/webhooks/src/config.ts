import { defineSettings, setting } from "@erp/core";
import { z } from "zod";

/** Standard Webhooks' recommended schedule after the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (≈ 27.6 h). */
const DEFAULT_RETRY_DELAYS = "5,300,1800,7200,18000,36000,36000";

const retryDelays = {
  variable: "WEBHOOKS_RETRY_DELAYS_SECONDS",
  fallback: DEFAULT_RETRY_DELAYS,
  expected: "a comma-separated list of 1 to 20 delays in seconds (0.1 to 86400), e.g. 5,300,1800",
  schema: z
    .string()
    .transform((v) => v.split(",").map((d) => Number(d.trim())))
    .refine(
      (ds) => ds.length >= 1 && ds.length <= 20 && ds.every((d) => d >= 0.1 && d <= 86_400),
    ) as unknown as z.ZodType<number[], z.ZodTypeDef, string>,
};

const flag = (variable: string, fallback: boolean) => ({
  variable,
  fallback: String(fallback),
  expected: "true or false",
  schema: z.enum(["true", "false"]).transform((v) => v === "true"),
});

const seconds = (variable: string, fallback: number, max: number) => ({
  variable,
  fallback: String(fallback),
  expected: `a number of seconds from 0.1 to ${max}`,
  schema: z
    .string()
    .transform(Number)
    .refine((n) => n >= 0.1 && n <= max),
});

/** The webhooks domain's settings, read from the environment; the subgraph checks them when it is built. */
export const webhookSettings = defineSettings({
  /** Delays before each retry; jittered by ±20 %. After the last, the delivery is FAILED. */
  retryDelays,
  /** How long a partner's endpoint may take to answer one delivery. */
  timeoutSeconds: seconds("WEBHOOKS_TIMEOUT_SECONDS", 10, 60),
  /** A subscription whose deliveries have failed without a success for this many days is disabled. */
  disableAfterFailingDays: setting.days("WEBHOOKS_DISABLE_AFTER_FAILING_DAYS", 5),
  /** Development and tests: allow http:// and loopback addresses. Ignored when NODE_ENV=production. */
  allowLoopback: flag("WEBHOOKS_ALLOW_LOOPBACK", false),
  /** Deliveries sent at once by each process; a slow endpoint holds one of them at most for the timeout. */
  concurrency: {
    variable: "WEBHOOKS_CONCURRENCY",
    fallback: "8",
    expected: "a whole number from 1 to 64",
    schema: z
      .string()
      .regex(/^\d{1,2}$/)
      .transform(Number)
      .refine((n) => n >= 1 && n <= 64),
  },
});

/** Loopback and http:// are allowed only outside production, and only when configured. */
export const loopbackAllowed = (): boolean => process.env.NODE_ENV !== "production" && webhookSettings().allowLoopback;
