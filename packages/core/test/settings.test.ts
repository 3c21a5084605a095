import { afterEach, describe, expect, it, vi } from "vitest";
import { defineSettings, SettingsError, setting } from "../src/settings.js";

const settings = defineSettings({
  horizon: setting.days("TEST_HORIZON_DAYS", 366),
  taxRate: setting.percentage("TEST_TAX_RATE", "19", 2),
  threshold: setting.amount("TEST_THRESHOLD", "1000.00"),
  currency: setting.currency("TEST_CURRENCY", "EUR"),
});

const refusal = (env: NodeJS.ProcessEnv) => {
  try {
    settings.parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error("the settings were accepted");
};

describe("domain settings", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("uses each fallback when a variable is unset or blank", () => {
    expect(settings.parse({ TEST_HORIZON_DAYS: "", TEST_TAX_RATE: "  " })).toEqual({
      horizon: 366,
      taxRate: "19",
      threshold: "1000.00",
      currency: "EUR",
    });
  });

  it("reads good values, trimmed", () => {
    const env = { TEST_HORIZON_DAYS: " 0 ", TEST_TAX_RATE: "7.25", TEST_THRESHOLD: "0", TEST_CURRENCY: "JPY" };
    expect(settings.parse(env)).toEqual({ horizon: 0, taxRate: "7.25", threshold: "0", currency: "JPY" });
  });

  it("refuses a bad number of days, naming the variable, the value and what it must be", () => {
    for (const bad of ["abc", "-1", "1.5", "1e3", "36501"])
      expect(refusal({ TEST_HORIZON_DAYS: bad })).toBe(
        `TEST_HORIZON_DAYS="${bad}" is not a whole number of days from 0 to 36500`,
      );
  });

  it("refuses a bad percentage", () => {
    for (const bad of ["abc", "-1", "100.01", "19.125", "19%"])
      expect(refusal({ TEST_TAX_RATE: bad })).toBe(
        `TEST_TAX_RATE="${bad}" is not a percentage between 0 and 100 with at most 2 decimal places`,
      );
  });

  it("refuses a bad amount", () => {
    for (const bad of ["abc", "-5", "1,000.00", "1e3"])
      expect(refusal({ TEST_THRESHOLD: bad })).toBe(
        `TEST_THRESHOLD="${bad}" is not a decimal amount of 0 or more, such as 1000.00`,
      );
  });

  it("refuses a bad currency", () => {
    for (const bad of ["eur", "EURO", "XYZ"])
      expect(refusal({ TEST_CURRENCY: bad })).toBe(
        `TEST_CURRENCY="${bad}" is not an ISO 4217 currency code such as EUR`,
      );
  });

  it("lists every bad value at once", () => {
    expect(refusal({ TEST_HORIZON_DAYS: "x", TEST_CURRENCY: "y" })).toBe(
      'TEST_HORIZON_DAYS="x" is not a whole number of days from 0 to 36500; TEST_CURRENCY="y" is not an ISO 4217 currency code such as EUR',
    );
  });

  it("parses the environment once and again only when one of its variables changes", () => {
    vi.stubEnv("TEST_TAX_RATE", "7");
    const first = settings();
    expect(first.taxRate).toBe("7");
    expect(settings()).toBe(first);
    vi.stubEnv("TEST_TAX_RATE", "16");
    expect(settings().taxRate).toBe("16");
    vi.stubEnv("TEST_TAX_RATE", "abc");
    expect(() => settings()).toThrow('TEST_TAX_RATE="abc" is not a percentage');
  });
});
