import { BusinessRuleViolation, businessError, Dec, decimalPlaces, isDecimalString } from "@erp/core";
import type { ProductsTable } from "./db.js";
import { InventoryErrorCode } from "./errors.js";

export type UnitOfMeasure = ProductsTable["unit_of_measure"];

/** Decimals a quantity may have, per unit. */
export const UNIT_PRECISION: Record<UnitOfMeasure, number> = {
  PIECE: 0,
  BOX: 0,
  KILOGRAM: 3,
  METRE: 2,
  LITRE: 3,
  HOUR: 2,
};

/** An exact quantity as the API shows it: no float, no trailing zeros ("2.5", "10"). */
export const showQuantity = (value: string | InstanceType<typeof Dec>): string => new Dec(value).toFixed();

export interface QuantityRule {
  unit: UnitOfMeasure;
  allowNegative?: boolean;
  allowZero?: boolean;
}

/** The problem with a quantity for a unit, or undefined when it is fine. */
export function quantityProblem(value: string, rule: QuantityRule): string | undefined {
  if (!isDecimalString(value)) return "Quantity must be a decimal number";
  const q = new Dec(value);
  if (q.isZero() && !rule.allowZero) return "Quantity must not be zero";
  if (q.isNegative() && !rule.allowNegative) return "Quantity must be positive";
  const precision = UNIT_PRECISION[rule.unit];
  if (decimalPlaces(value) > precision)
    return `Quantities in ${rule.unit} have at most ${precision} decimal place${precision === 1 ? "" : "s"}`;
  if (q.abs().gte("1e12")) return "Quantity is too large";
  return undefined;
}

/** Refuses VALIDATION_FAILED (rolling back) when the quantity breaks the unit's rule. */
export function assertQuantity(value: string, rule: QuantityRule, field: string): InstanceType<typeof Dec> {
  const problem = quantityProblem(value, rule);
  if (problem) throw new BusinessRuleViolation([businessError(InventoryErrorCode.VALIDATION_FAILED, problem, field)]);
  return new Dec(value);
}
