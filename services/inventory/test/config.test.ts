import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { inventory } from "../src/index.js";

describe("inventory settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["VALUATION_CURRENCY", "euro", "an ISO 4217 currency code such as EUR"],
    ["STOCK_ADJUSTMENT_APPROVAL_THRESHOLD", "-1", "a decimal amount of 0 or more, such as 1000.00"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(inventory)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults when nothing is set", () => {
    expect(() => buildSubgraph(inventory)).not.toThrow();
  });
});
