import { currencyScale, Dec, type Money } from "@erp/core";
import type { Selectable } from "kysely";
import { valuationCurrency } from "./config.js";
import type { StockLevelsTable } from "./db.js";

type Level = Pick<Selectable<StockLevelsTable>, "on_hand" | "stock_value" | "average_unit_cost">;

/** A value rounded half-even to the valuation currency's precision (EUR cents, JPY yen). */
export const roundValue = (value: Dec): Dec =>
  value.toDecimalPlaces(currencyScale(valuationCurrency()), Dec.ROUND_HALF_EVEN);

/** Money in the valuation currency, written at its precision (exact: the value is already rounded). */
export const valueMoney = (value: Dec | string): Money => ({
  amount: new Dec(value).toFixed(currencyScale(valuationCurrency())),
  currency: valuationCurrency(),
});

/**
 * A unit cost as events carry it: the ledger's 6-decimal cost, unrounded; written at the
 * currency's precision when it has no more decimals than that ("10.00", "11.613226").
 */
export function unitCostMoney(cost: Dec | string): Money {
  const exact = new Dec(cost).toDecimalPlaces(6);
  const scale = currencyScale(valuationCurrency());
  return {
    amount: exact.decimalPlaces() <= scale ? exact.toFixed(scale) : exact.toFixed(),
    currency: valuationCurrency(),
  };
}

/** What a receipt (or a stock gain) adds: quantity × unit cost, rounded to the currency. */
export const inflowValue = (quantity: Dec, unitCost: Dec | string): Dec => roundValue(quantity.times(unitCost));

/**
 * What leaving stock takes out of a locked level (a positive amount): quantity × average
 * cost, rounded; the movement that empties the level takes the rest of its value exactly, so
 * the level's movement values always sum to its stock value and no cents stay behind. Never
 * more than the level holds.
 */
export function outflowValue(level: Level, quantity: Dec): Dec {
  const held = new Dec(level.stock_value);
  if (quantity.gte(level.on_hand)) return held;
  const value = roundValue(quantity.times(level.average_unit_cost));
  return held.isNegative() ? value : Dec.min(value, held);
}

/** The average cost a level holds: its value over its quantity, 6 decimals half-even; never negative. */
export function averageCost(stockValue: Dec, onHand: Dec): Dec {
  if (!onHand.isPositive()) return new Dec(0);
  return Dec.max(0, stockValue.div(onHand).toDecimalPlaces(6, Dec.ROUND_HALF_EVEN));
}
