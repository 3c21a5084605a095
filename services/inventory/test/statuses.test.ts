import { statusChecks } from "@erp/testing";
import { describe, expect, it } from "vitest";
import { statusColumns } from "../src/db.js";
import { useInventory } from "./harness.js";

const env = useInventory();

describe("inventory status lists", () => {
  it("each status column's CHECK constraint allows exactly the statuses the code and schema declare", async () => {
    const declared = Object.fromEntries(
      Object.entries(statusColumns).map(([column, values]) => [column, [...values].sort()]),
    );
    expect(await statusChecks(env.database.db, "inventory")).toEqual(declared);
  });
});
