import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { crm } from "../src/index.js";

describe("crm settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["ACTIVITY_DATE_PAST_DAYS", "five years", "a whole number of days from 0 to 36500"],
    ["ACTIVITY_DATE_FUTURE_DAYS", "1.5", "a whole number of days from 0 to 36500"],
    ["OPPORTUNITY_CLOSE_HORIZON_DAYS", "99999999", "a whole number of days from 0 to 36500"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(crm)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults when nothing is set", () => {
    expect(() => buildSubgraph(crm)).not.toThrow();
  });
});
