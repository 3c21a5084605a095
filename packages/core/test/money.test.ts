import { describe, expect, it } from "vitest";
import { addMoney, currencyScale, Dec, decimalPlaces, isCurrencyCode, money, roundHalfEven } from "../src/money.js";

describe("money", () => {
  it.each([
    ["2.345", 2, "2.34"],
    ["2.355", 2, "2.36"],
    ["2.3451", 2, "2.35"],
    ["-2.345", 2, "-2.34"],
    ["0.5", 0, "0"],
    ["1.5", 0, "2"],
    ["2.5", 0, "2"],
  ])("rounds %s half-even to %i places as %s", (value, scale, expected) => {
    expect(roundHalfEven(value, scale)).toBe(expected);
  });

  it("adds without float error: 0.1 + 0.2 is exactly 0.30", () => {
    expect(addMoney({ amount: "0.1", currency: "EUR" }, { amount: "0.2", currency: "EUR" })).toEqual({
      amount: "0.30",
      currency: "EUR",
    });
  });

  it("refuses to add different currencies", () => {
    expect(() => addMoney({ amount: "1", currency: "EUR" }, { amount: "1", currency: "USD" })).toThrow(/EUR to USD/);
  });

  it("knows each currency's minor units from ISO 4217", () => {
    expect([currencyScale("EUR"), currencyScale("JPY"), currencyScale("BHD")]).toEqual([2, 0, 3]);
    expect(money("1234.5000", "EUR")).toEqual({ amount: "1234.50", currency: "EUR" });
    expect(isCurrencyCode("EUR")).toBe(true);
    expect(isCurrencyCode("XYZ")).toBe(false);
  });

  it("gives the same scale from its cache and refuses a code that is no currency", () => {
    for (let i = 0; i < 3; i++)
      expect([currencyScale("KWD"), currencyScale("CLP"), currencyScale("USD")]).toEqual([3, 0, 2]);
    expect(() => currencyScale("NOT-A-CODE")).toThrow(RangeError);
  });

  it("keeps 40 significant digits", () => {
    expect(new Dec("12345678901234567890.1234").times(3).toFixed(4)).toBe("37037036703703703670.3702");
    expect(decimalPlaces("1.250")).toBe(3);
  });
});
