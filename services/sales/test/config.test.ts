import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sales } from "../src/index.js";

describe("sales settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["DEFAULT_TAX_RATE", "abc", "a percentage between 0 and 100 with at most 2 decimal places"],
    ["QUOTE_VALIDITY_HORIZON_DAYS", "-1", "a whole number of days from 0 to 36500"],
    ["SALES_CONFIRMATION_BACKLOG_ORDERS", "0", "a whole number from 1 to 1000000"],
    ["SALES_CONFIRMATION_BACKLOG_SECONDS", "2.5", "a whole number from 0 to 3600"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(sales)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults when nothing is set", () => {
    expect(() => buildSubgraph(sales)).not.toThrow();
  });
});
