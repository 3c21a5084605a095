import type { ColumnType, Generated } from "kysely";
import { ProductStatus, ReservationStatus, StockAdjustmentStatus } from "./generated/enums.js";

export type { ProductStatus, ReservationStatus, StockAdjustmentStatus };

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "products.status": Object.values(ProductStatus),
  "reservations.status": Object.values(ReservationStatus),
  "stock_adjustments.status": Object.values(StockAdjustmentStatus),
};

type Numeric = ColumnType<string, string | undefined, string>;

export interface ProductsTable {
  id: Generated<string>;
  seq: Generated<string>;
  sku: string;
  name: string;
  description: string | null;
  unit_of_measure: "PIECE" | "BOX" | "KILOGRAM" | "METRE" | "LITRE" | "HOUR";
  type: "STOCKED" | "SERVICE";
  standard_cost: string;
  cost_currency: string;
  list_price: string;
  price_currency: string;
  status: Generated<ProductStatus>;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface WarehousesTable {
  id: Generated<string>;
  code: string;
  name: string;
  address: ColumnType<WarehouseAddressJson | null, string | null, string | null>;
  created_at: Generated<Date>;
}

export interface WarehouseAddressJson {
  line1: string;
  postalCode: string;
  city: string;
  country: string;
}

export interface StockLevelsTable {
  product_id: string;
  warehouse_id: string;
  on_hand: Numeric;
  reserved: Numeric;
  average_unit_cost: Numeric;
  /** The value held, at the valuation currency's precision: always the sum of the level's movement values. */
  stock_value: Numeric;
  reorder_point: string | null;
  reorder_quantity: string | null;
  version: Generated<number>;
  updated_at: Generated<Date>;
}

export type MovementKind = "RECEIPT" | "ISSUE" | "TRANSFER_OUT" | "TRANSFER_IN" | "ADJUSTMENT";

export interface StockMovementsTable {
  id: Generated<string>;
  seq: Generated<string>;
  product_id: string;
  warehouse_id: string;
  kind: MovementKind;
  quantity: string;
  unit_cost: string;
  /** Signed like quantity: the exact value moved, at the valuation currency's precision. */
  value: string;
  reason_code: string | null;
  source_type: string | null;
  source_id: string | null;
  transfer_id: string | null;
  recorded_by: string;
  occurred_at: Generated<Date>;
}

export interface ReservationsTable {
  id: Generated<string>;
  seq: Generated<string>;
  product_id: string;
  warehouse_id: string;
  quantity: string;
  issued_quantity: Numeric;
  reference_type: string;
  reference_id: string;
  status: Generated<ReservationStatus>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface StockAdjustmentsTable {
  id: Generated<string>;
  seq: Generated<string>;
  product_id: string;
  warehouse_id: string;
  quantity: string;
  value: string;
  reason_code: string;
  status: StockAdjustmentStatus;
  requested_by: string;
  decided_by: string | null;
  rejection_reason: string | null;
  movement_id: string | null;
  created_at: Generated<Date>;
  decided_at: Date | null;
}

/** The inventory schema, as Kysely sees it. */
export interface InventoryDatabase {
  "inventory.products": ProductsTable;
  "inventory.warehouses": WarehousesTable;
  "inventory.stock_levels": StockLevelsTable;
  "inventory.stock_movements": StockMovementsTable;
  "inventory.reservations": ReservationsTable;
  "inventory.stock_adjustments": StockAdjustmentsTable;
}
