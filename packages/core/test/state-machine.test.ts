import { describe, expect, it } from "vitest";
import { BusinessRuleViolation } from "../src/errors.js";
import { defineStateMachine } from "../src/state-machine.js";

const door = defineStateMachine<"OPEN" | "CLOSED" | "LOCKED">("Door", {
  OPEN: ["CLOSED"],
  CLOSED: ["OPEN", "LOCKED"],
  LOCKED: ["CLOSED"],
});

describe("defineStateMachine", () => {
  it("allows exactly the transitions in its table", () => {
    expect(door.canTransition("CLOSED", "LOCKED")).toBe(true);
    expect(door.canTransition("OPEN", "LOCKED")).toBe(false);
    expect(door.nextStates("CLOSED")).toEqual(["OPEN", "LOCKED"]);
  });

  it("refuses any other transition with INVALID_STATE_TRANSITION naming from and to", () => {
    expect(() => door.assertTransition("CLOSED", "LOCKED")).not.toThrow();
    try {
      door.assertTransition("OPEN", "LOCKED");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BusinessRuleViolation);
      expect((error as BusinessRuleViolation).errors).toEqual([
        { code: "INVALID_STATE_TRANSITION", field: null, message: "Door cannot move from OPEN to LOCKED" },
      ]);
    }
  });
});
