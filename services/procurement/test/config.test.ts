import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { procurement } from "../src/index.js";

describe("procurement settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["PROCUREMENT_APPROVAL_THRESHOLD", "-5", "a decimal amount of 0 or more, such as 1000.00"],
    ["PROCUREMENT_DUAL_APPROVAL_THRESHOLD", "lots", "a decimal amount of 0 or more, such as 1000.00"],
    ["PROCUREMENT_APPROVAL_CURRENCY", "EURO", "an ISO 4217 currency code such as EUR"],
    ["PROCUREMENT_RECEIPT_TOLERANCE_PERCENT", "101", "a percentage between 0 and 100 with at most 2 decimal places"],
    ["PROCUREMENT_PRICE_TOLERANCE_PERCENT", "1.234", "a percentage between 0 and 100 with at most 2 decimal places"],
    ["VALUATION_CURRENCY", "XYZ", "an ISO 4217 currency code such as EUR"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(procurement)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults when nothing is set", () => {
    expect(() => buildSubgraph(procurement)).not.toThrow();
  });
});
