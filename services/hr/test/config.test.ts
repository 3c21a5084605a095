import { buildSubgraph } from "@erp/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hr } from "../src/index.js";

describe("hr settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it.each([
    ["HR_LEAVE_PAST_DAYS", "-1", "a whole number of days from 0 to 36500"],
    ["HR_LEAVE_FUTURE_DAYS", "soon", "a whole number of days from 0 to 36500"],
    ["HR_PUBLIC_HOLIDAYS", "2026-02-30", "a comma-separated list of dates YYYY-MM-DD (or none)"],
  ])("refuse to start the subgraph when %s is %s, saying what it must be", (variable, value, expected) => {
    vi.stubEnv(variable, value);
    expect(() => buildSubgraph(hr)).toThrow(`${variable}="${value}" is not ${expected}`);
  });

  it("start with the defaults, or with a list of public holidays", () => {
    expect(() => buildSubgraph(hr)).not.toThrow();
    vi.stubEnv("HR_PUBLIC_HOLIDAYS", "2026-12-25, 2026-12-26");
    expect(() => buildSubgraph(hr)).not.toThrow();
  });
});
