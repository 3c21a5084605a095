import { describe, expect, it } from "vitest";
import { poolSizeFrom } from "../src/database.js";

describe("DATABASE_POOL_SIZE", () => {
  it("defaults to 10 connections and takes a whole number from 1 to 100", () => {
    expect(poolSizeFrom({})).toBe(10);
    expect(poolSizeFrom({ DATABASE_POOL_SIZE: " " })).toBe(10);
    expect(poolSizeFrom({ DATABASE_POOL_SIZE: "4" })).toBe(4);
    expect(poolSizeFrom({ DATABASE_POOL_SIZE: "100" })).toBe(100);
  });

  it.each(["0", "101", "2.5", "-3", "abc", "1e2"])("refuses %j, naming the variable and the value", (value) => {
    expect(() => poolSizeFrom({ DATABASE_POOL_SIZE: value })).toThrow(
      `DATABASE_POOL_SIZE must be a whole number from 1 to 100, not "${value}"`,
    );
  });
});
