import { statusChecks } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { statusColumns } from "../src/db.js";
import { useProcurement } from "./harness.js";

const env = useProcurement();

describe("procurement status lists", () => {
  it("each status column's CHECK constraint allows exactly the statuses the code and schema declare", async () => {
    const declared = Object.fromEntries(
      Object.entries(statusColumns).map(([column, values]) => [column, [...values].sort()]),
    );
    expect(await statusChecks(env.database.db, "procurement")).toEqual(declared);
  });
});
