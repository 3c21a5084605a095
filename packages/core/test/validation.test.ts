import { describe, expect, it } from "vitest";
import { z } from "zod";
import { columnMax, fitsColumn, MAX_AMOUNT, QUANTITY_COLUMN } from "../src/money.js";
import { dateProblem, fields, hasControlCharacters, isoDay, parseInput } from "../src/validation.js";

describe("input bounds in the kernel", () => {
  it("knows what numeric(20, 4) and numeric(20, 6) hold, after Postgres's own rounding", () => {
    expect(columnMax({ precision: 20, scale: 4 }).toFixed()).toBe(MAX_AMOUNT);
    expect(fitsColumn(MAX_AMOUNT, { precision: 20, scale: 4 })).toBe(true);
    expect(fitsColumn("-9999999999999999.9999", { precision: 20, scale: 4 })).toBe(true);
    expect(fitsColumn("10000000000000000", { precision: 20, scale: 4 })).toBe(false);
    // Rounds up to 10^16 at four places, which overflows.
    expect(fitsColumn("9999999999999999.99995", { precision: 20, scale: 4 })).toBe(false);
    expect(fitsColumn("99999999999999.999999", QUANTITY_COLUMN)).toBe(true);
    expect(fitsColumn("100000000000000", QUANTITY_COLUMN)).toBe(false);
  });

  it("refuses C0, DEL, C1 and bidi overrides in names; keeps tab and line breaks in free text", () => {
    for (const c of [
      "\u0000",
      "\u0007",
      "\u001b",
      "\t",
      "\n",
      "\u007f",
      "\u0085",
      "\u202a",
      "\u202e",
      "\u2066",
      "\u2069",
    ])
      expect(hasControlCharacters(`a${c}b`)).toBe(true);
    for (const c of ["\t", "\n", "\r"]) expect(hasControlCharacters(`a${c}b`, { multiline: true })).toBe(false);
    for (const c of ["\u0000", "\u000b", "\u202e"])
      expect(hasControlCharacters(`a${c}b`, { multiline: true })).toBe(true);
    expect(hasControlCharacters("Müller & Söhne — 東京 \u200f")).toBe(false);
  });

  it("accepts a date on either edge of its window and refuses the day beyond, or an impossible day", () => {
    const window = { pastDays: 10, futureDays: 2 };
    expect(dateProblem("Date", isoDay(-10), window)).toBeUndefined();
    expect(dateProblem("Date", isoDay(2), window)).toBeUndefined();
    expect(dateProblem("Date", isoDay(-11), window)).toMatch(/between/);
    expect(dateProblem("Date", isoDay(3), window)).toMatch(/between/);
    expect(dateProblem("Date", "2026-02-30", window)).toMatch(/YYYY-MM-DD/);
  });

  it("names the offending field in the VALIDATION_FAILED error", () => {
    const schema = z.object({
      name: fields.text("Name", 10),
      on: fields.dateWithin("Date", { pastDays: 0, futureDays: 0 }),
    });
    expect(() => parseInput(schema, { name: "a\u0000", on: "9999-12-31" })).toThrow(
      expect.objectContaining({
        errors: [
          expect.objectContaining({ code: "VALIDATION_FAILED", field: ["name"] }),
          expect.objectContaining({ code: "VALIDATION_FAILED", field: ["on"] }),
        ],
      }),
    );
  });
});
