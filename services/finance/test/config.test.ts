import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { finance } from "../src/index.js";

describe("finance settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["PAYMENT_TERM_DAYS", "30d", "a whole number of days from 0 to 36500"],
    ["ACCOUNTING_DATE_PAST_DAYS", "-366", "a whole number of days from 0 to 36500"],
    ["ACCOUNTING_DATE_FUTURE_DAYS", "abc", "a whole number of days from 0 to 36500"],
    ["INVOICE_DUE_HORIZON_DAYS", "1e3", "a whole number of days from 0 to 36500"],
    ["LATE_INTEREST_ANNUAL_RATE", "12%", "a percentage between 0 and 100 with at most 4 decimal places"],
    ["CREDIT_DUAL_APPROVAL_LIMIT", "50,000", "a decimal amount of 0 or more, such as 1000.00"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(finance)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults when nothing is set", () => {
    expect(() => buildSubgraph(finance)).not.toThrow();
  });
});
