import type { ColumnType, Generated } from "kysely";
import { QuoteStatus as QuoteStatusEnum, SalesOrderStatus } from "./generated/enums.js";

type Numeric = ColumnType<string, string | undefined, string>;

export interface KnownCustomersTable {
  customer_id: string;
  name: string;
  status: string;
  version: number;
}

export interface KnownProductsTable {
  product_id: string;
  sku: string;
  name: string;
  type: string;
  status: string;
  quantity_precision: number;
  list_price: string;
  price_currency: string;
  version: number;
}

export interface KnownWarehousesTable {
  warehouse_id: string;
  code: string;
  name: string;
}

// EXPIRED is derived (SENT past its validity date), never stored.
export const QUOTE_STATUSES = Object.values(QuoteStatusEnum).filter(
  (s): s is Exclude<QuoteStatusEnum, "EXPIRED"> => s !== QuoteStatusEnum.EXPIRED,
);
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export interface QuotesTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  customer_id: string;
  currency: string;
  status: Generated<QuoteStatus>;
  valid_until: string;
  notes: string | null;
  rejection_reason: string | null;
  sales_order_id: string | null;
  version: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export const ORDER_STATUSES = Object.values(SalesOrderStatus);
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface SalesOrdersTable {
  id: Generated<string>;
  seq: Generated<string>;
  number: string;
  customer_id: string;
  warehouse_id: string;
  currency: string;
  status: Generated<OrderStatus>;
  status_reason: string | null;
  /** The refusing rule's code when another domain rejected the order; null for a person's reason. */
  status_reason_code: string | null;
  /** Free text from before salespeople were employees; null for orders placed since. */
  salesperson_name: string | null;
  salesperson_id: string | null;
  notes: string | null;
  quote_id: string | null;
  version: Generated<number>;
  placed_at: Generated<Date>;
  confirmed_at: Date | null;
  stock_reserved: Generated<boolean>;
  credit_approved: Generated<boolean>;
  updated_at: Generated<Date>;
}

export interface LinesTable {
  id: Generated<string>;
  order_id: string | null;
  quote_id: string | null;
  line_number: number;
  product_id: string;
  sku: string;
  quantity: string;
  shipped_quantity: Numeric;
  unit_price: string;
  discount_percent: string;
  tax_rate: string;
  net_amount: string;
  tax_amount: string;
  reservation_id: string | null;
}

export interface ShipmentsTable {
  id: Generated<string>;
  number: string;
  order_id: string;
  carrier_reference: string | null;
  shipped_at: Generated<Date>;
  shipped_by: string;
}

export interface ShipmentLinesTable {
  shipment_id: string;
  line_id: string;
  product_id: string;
  quantity: string;
}

/** Each status column's values, from the schema's enums; test/statuses.test.ts holds them equal to its CHECK constraint. */
export const statusColumns: Record<string, readonly string[]> = {
  "quotes.status": QUOTE_STATUSES,
  "sales_orders.status": ORDER_STATUSES,
};

/** The sales schema, as Kysely sees it. */
/** An HR employee as sales remembers it from HR's events. */
export interface KnownEmployeesTable {
  employee_id: string;
  name: string;
  status: string;
  version: number;
}

export interface SalesDatabase {
  "sales.known_employees": KnownEmployeesTable;
  "sales.known_customers": KnownCustomersTable;
  "sales.known_products": KnownProductsTable;
  "sales.known_warehouses": KnownWarehousesTable;
  "sales.quotes": QuotesTable;
  "sales.sales_orders": SalesOrdersTable;
  "sales.lines": LinesTable;
  "sales.shipments": ShipmentsTable;
  "sales.shipment_lines": ShipmentLinesTable;
}
