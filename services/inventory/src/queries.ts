import {
  assertQueryDate,
  assertSearchText,
  type Connection,
  Dec,
  keysetPage,
  type Money,
  money,
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

/** An ILIKE pattern matching the search literally; control characters are refused, never sent. */
function likePattern(search: string) {
  assertSearchText(search, "filter.search");
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
const belowReorderPoint = sql<boolean>`reorder_point is not null and on_hand - reserved < reorder_point`;

export async function listProducts(
  db: Db,
  args: PageArgs & {
    filter?: { search?: string | null; status?: ProductStatus | null; belowReorderPoint?: boolean | null } | null;
  },
): Promise<Connection<Product>> {
  const page = keysetPage({ kind: "Product", order: "oldest first", column: "p.seq" }, args);
  const { search, status, belowReorderPoint: below } = args.filter ?? {};
  let query = db.selectFrom("inventory.products as p").selectAll("p");
  if (status) query = query.where("p.status", "=", status);
  if (search?.trim()) {
    const pattern = likePattern(search.trim());
    query = query.where((eb) => eb.or([eb("p.sku", "ilike", pattern), eb("p.name", "ilike", pattern)]));
  }
  if (below != null) {
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

export async function listMovements(
  db: Db,
  args: PageArgs & {
    filter?: {
      productId?: string | null;
      warehouseId?: string | null;
      from?: string | null;
      to?: string | null;
    } | null;
  },
): Promise<Connection<StockMovement>> {
  const page = keysetPage({ kind: "StockMovement", order: "newest first" }, args);
  const { productId, warehouseId, from, to } = args.filter ?? {};
  assertQueryDate(from, "filter.from");
  assertQueryDate(to, "filter.to");
  let query = db.selectFrom("inventory.stock_movements").selectAll();
  if (productId) query = query.where("product_id", "=", productId);
  if (warehouseId) query = query.where("warehouse_id", "=", warehouseId);
  if (from) query = query.where("occurred_at", ">=", new Date(from));
  if (to) query = query.where("occurred_at", "<", new Date(to));
  return page.fetch(query, toMovement);
}

export async function listStockLevels(
  db: Db,
  filter: { productId?: string | null; warehouseId?: string | null; onlyLow?: boolean },
) {
  let query = db.selectFrom("inventory.stock_levels").selectAll().orderBy("product_id").orderBy("warehouse_id");
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
    .execute();
  return rows.map(toReservation);
}
