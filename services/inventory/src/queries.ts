import {
  assertQueryDate,
  atLeast,
  below,
  type Connection,
  contains,
  Dec,
  defineKeyset,
  equals,
  keysetPage,
  type Money,
  money,
  narrow,
  oneOf,
  type PageArgs,
  queryNotFound,
  sql,
} from "@erp/core";
import type { Kysely } from "kysely";
import { type StockAdjustment, toAdjustment } from "./adjustment.js";
import { valuationCurrency } from "./config.js";
import type { InventoryDatabase } from "./db.js";
import { type DocumentReference, type StockMovement, toMovement } from "./movement.js";
import { type Product, type ProductStatus, toProduct } from "./product.js";
import { showQuantity } from "./quantity.js";
import { type Reservation, toReservation } from "./reservation.js";
import { type StockLevel, toStockLevel } from "./stock-level.js";
import { valueMoney } from "./valuation.js";

type Db = Kysely<InventoryDatabase>;

const productOrder = defineKeyset(
  "Product",
  { CREATED: "p.seq", SKU: "p.sku", NAME: "p.name", LIST_PRICE: "p.list_price", STATUS: "p.status" },
  "CREATED ASC",
  "p.seq",
);
const movementOrder = defineKeyset(
  "StockMovement",
  { CREATED: "seq", OCCURRED_AT: "occurred_at", VALUE: "value" },
  "CREATED DESC",
);
const belowReorderPoint = sql<boolean>`reorder_point is not null and on_hand - reserved < reorder_point`;

export interface ProductFilter {
  search?: string | null;
  status?: ProductStatus | null;
  statuses?: ProductStatus[] | null;
  belowReorderPoint?: boolean | null;
}

export async function listProducts(
  db: Db,
  args: PageArgs & { filter?: ProductFilter | null },
): Promise<Connection<Product>> {
  const page = keysetPage(productOrder, args);
  const f = args.filter ?? {};
  let query = narrow(db.selectFrom("inventory.products as p").selectAll("p"), [
    equals("p.status", f.status),
    oneOf("p.status", f.statuses, "filter.statuses"),
    contains(["p.sku", "p.name"], f.search),
  ]);
  if (f.belowReorderPoint != null) {
    const below = f.belowReorderPoint;
    query = query.where((eb) => {
      const low = eb.exists(
        eb
          .selectFrom("inventory.stock_levels as l")
          .select("l.product_id")
          .whereRef("l.product_id", "=", "p.id")
          .where(belowReorderPoint),
      );
      return below ? low : eb.not(low);
    });
  }
  return page.fetch(query, toProduct);
}

export interface MovementFilter {
  productId?: string | null;
  warehouseId?: string | null;
  from?: string | null;
  to?: string | null;
}

export async function listMovements(
  db: Db,
  args: PageArgs & { filter?: MovementFilter | null },
): Promise<Connection<StockMovement>> {
  const page = keysetPage(movementOrder, args);
  const f = args.filter ?? {};
  assertQueryDate(f.from, "filter.from");
  assertQueryDate(f.to, "filter.to");
  const query = narrow(db.selectFrom("inventory.stock_movements").selectAll(), [
    equals("product_id", f.productId),
    equals("warehouse_id", f.warehouseId),
    atLeast("occurred_at", f.from),
    below("occurred_at", f.to),
  ]);
  return page.fetch(query, toMovement);
}

export async function listStockLevels(
  db: Db,
  filter: { productId?: string | null; warehouseId?: string | null; onlyLow?: boolean },
) {
  let query = db
    .selectFrom("inventory.stock_levels")
    .selectAll()
    .orderBy("product_id")
    .orderBy("warehouse_id")
    .limit(500);
  if (filter.productId) query = query.where("product_id", "=", filter.productId);
  if (filter.warehouseId) query = query.where("warehouse_id", "=", filter.warehouseId);
  if (filter.onlyLow) query = query.where(belowReorderPoint);
  return (await query.execute()).map(toStockLevel) satisfies StockLevel[];
}

export interface ValuationLine {
  productId: string;
  quantity: string;
  averageUnitCost: Money;
  value: Money;
}

export interface Valuation {
  warehouseId: string;
  lines: ValuationLine[];
  total: Money;
}

/**
 * Each line is the level's stock value: the exact sum of its movements' values, which is what
 * the ledger holds; the total is what ValuationReported reports for the warehouse.
 */
export async function inventoryValuation(db: Db, warehouseId: string): Promise<Valuation> {
  const currency = valuationCurrency();
  const warehouse = await db
    .selectFrom("inventory.warehouses")
    .select("id")
    .where("id", "=", warehouseId)
    .executeTakeFirst();
  if (!warehouse) throw queryNotFound("No warehouse has this id");
  const rows = await db
    .selectFrom("inventory.stock_levels")
    .selectAll()
    .where("warehouse_id", "=", warehouseId)
    .where("on_hand", ">", "0")
    .orderBy("product_id")
    .execute();
  const lines: ValuationLine[] = rows.map((r) => ({
    productId: r.product_id,
    quantity: showQuantity(r.on_hand),
    averageUnitCost: money(r.average_unit_cost, currency),
    value: money(r.stock_value, currency),
  }));
  const total = lines.reduce((sum, l) => sum.plus(l.value.amount), new Dec(0));
  return { warehouseId, lines, total: money(total, currency) } satisfies Valuation;
}

export interface LedgerDiscrepancy {
  productId: string;
  warehouseId: string;
  onHand: string;
  ledgerQuantity: string;
  /** The level's stock value and the sum of its movements' values. */
  stockValue: Money;
  ledgerValue: Money;
}

/**
 * Per product × warehouse, on hand must equal the sum of its movements' quantities and the
 * stock value the sum of their values; a level failing either is listed. Reconciliation reads this.
 */
export async function stockLedgerDiscrepancies(db: Db): Promise<LedgerDiscrepancy[]> {
  const { rows } = await sql<{
    product_id: string;
    warehouse_id: string;
    on_hand: string | null;
    ledger: string;
    stock_value: string | null;
    ledger_value: string;
  }>`
    select coalesce(l.product_id, m.product_id) as product_id, coalesce(l.warehouse_id, m.warehouse_id) as warehouse_id,
      l.on_hand, coalesce(m.total, 0) as ledger, l.stock_value, coalesce(m.value, 0) as ledger_value
    from inventory.stock_levels l
    full join (
      select product_id, warehouse_id, sum(quantity) as total, sum(value) as value
      from inventory.stock_movements group by product_id, warehouse_id
    ) m on m.product_id = l.product_id and m.warehouse_id = l.warehouse_id
    where coalesce(l.on_hand, 0) <> coalesce(m.total, 0) or coalesce(l.stock_value, 0) <> coalesce(m.value, 0)
    order by 1, 2`.execute(db);
  return rows.map((r) => ({
    productId: r.product_id,
    warehouseId: r.warehouse_id,
    onHand: showQuantity(r.on_hand ?? "0"),
    ledgerQuantity: showQuantity(r.ledger),
    stockValue: valueMoney(r.stock_value ?? "0"),
    ledgerValue: valueMoney(r.ledger_value),
  }));
}

export interface StockValuation {
  currency: string;
  /** The sum of every stock level's value: what the ledger's inventory account should hold. */
  value: string;
  /** Receipts, issues and adjustments with a non-zero value: the movements the ledger posts (transfers net out). */
  valuedMovements: number;
}

/** Inventory's valuation per currency (stock is valued in one: the valuation currency). */
export async function stockValuation(db: Db): Promise<StockValuation[]> {
  const held = await db
    .selectFrom("inventory.stock_levels")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("stock_value"), sql<string>`0`).as("value"))
    .executeTakeFirstOrThrow();
  const counted = await db
    .selectFrom("inventory.stock_movements")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("kind", "in", ["RECEIPT", "ISSUE", "ADJUSTMENT"])
    .where("value", "<>", "0")
    .executeTakeFirstOrThrow();
  return [
    {
      currency: valuationCurrency(),
      value: valueMoney(String(held.value)).amount,
      valuedMovements: Number(counted.count),
    },
  ];
}

export async function pendingAdjustments(db: Db): Promise<StockAdjustment[]> {
  const rows = await db
    .selectFrom("inventory.stock_adjustments")
    .selectAll()
    .where("status", "=", "PENDING_APPROVAL")
    .orderBy("seq")
    .limit(500)
    .execute();
  return rows.map(toAdjustment);
}

export async function reservationsFor(db: Db, reference: DocumentReference): Promise<Reservation[]> {
  const rows = await db
    .selectFrom("inventory.reservations")
    .selectAll()
    .where("reference_type", "=", reference.type)
    .where("reference_id", "=", reference.id)
    .orderBy("seq")
    .limit(500)
    .execute();
  return rows.map(toReservation);
}
