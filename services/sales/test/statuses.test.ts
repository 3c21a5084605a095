import { statusChecks } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { statusColumns } from "../src/db.js";
import { useSales } from "./harness.js";

const env = useSales();

describe("sales status lists", () => {
  it("each status column's CHECK constraint allows exactly the statuses the code and schema declare", async () => {
    const declared = Object.fromEntries(
      Object.entries(statusColumns).map(([column, values]) => [column, [...values].sort()]),
    );
    expect(await statusChecks(env.database.db, "sales")).toEqual(declared);
  });
});
