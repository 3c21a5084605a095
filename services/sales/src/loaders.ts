import { Dec, isUuid, listLoaderByKey, loaderById } from "@erp/core";
import DataLoader from "dataloader";
import type { Kysely } from "kysely";
import type { SalesDatabase } from "./db.js";
import { toSalesOrder } from "./order.js";
import { type Line, toLine } from "./pricing.js";
import { toQuote } from "./quote.js";
import { type Shipment, toShipment } from "./shipment.js";

/** Per-request loaders: one SQL statement per kind of lookup, whatever the page size. */
export function createSalesLoaders(db: Kysely<SalesDatabase>) {
  return {
    order: loaderById(async (ids) =>
      (await db.selectFrom("sales.sales_orders").selectAll().where("id", "in", ids).execute()).map(toSalesOrder),
    ),
    quote: loaderById(async (ids) =>
      (await db.selectFrom("sales.quotes").selectAll().where("id", "in", ids).execute()).map(toQuote),
    ),
    /** Lines of an order or a quote, keyed "order:<id>:<currency>" or "quote:<id>:<currency>". */
    lines: new DataLoader<string, Line[]>(async (keys) => {
      const parsed = keys.map((k) => k.split(":") as ["order" | "quote", string, string]);
      const orderIds = parsed.filter(([kind]) => kind === "order").map(([, id]) => id);
      const quoteIds = parsed.filter(([kind]) => kind === "quote").map(([, id]) => id);
      const rows = await db
        .selectFrom("sales.lines")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb("order_id", "in", orderIds.length ? orderIds : [null as never]),
            eb("quote_id", "in", quoteIds.length ? quoteIds : [null as never]),
          ]),
        )
        .orderBy("line_number")
        .execute();
      return parsed.map(([kind, id, currency]) =>
        rows.filter((r) => (kind === "order" ? r.order_id : r.quote_id) === id).map((r) => toLine(r, currency)),
      );
    }),
    /** Order lines by id, priced in their order's currency (a shipment line's order line). */
    orderLine: loaderById(async (ids) =>
      (
        await db
          .selectFrom("sales.lines as l")
          .innerJoin("sales.sales_orders as o", "o.id", "l.order_id")
          .selectAll("l")
          .select("o.currency as order_currency")
          .where("l.id", "in", ids)
          .execute()
      ).map((row) => toLine(row, row.order_currency)),
    ),
    shipment: loaderById((ids) => shipmentViews(db, "id", ids)),
    shipmentsOfOrder: listLoaderByKey(
      (ids) => shipmentViews(db, "order_id", ids),
      (shipment) => shipment.orderId,
      (shipment) => shipment,
    ),
    /** Quantity on confirmed, not yet fully shipped orders, per product. */
    reservedForOrders: new DataLoader<string, string>(async (productIds) => {
      const valid = productIds.filter(isUuid);
      const rows = valid.length
        ? await db
            .selectFrom("sales.lines as l")
            .innerJoin("sales.sales_orders as o", "o.id", "l.order_id")
            .select([
              "l.product_id",
              (eb) => eb.fn.sum<string>(eb("l.quantity", "-", eb.ref("l.shipped_quantity"))).as("open"),
            ])
            .where("l.product_id", "in", valid)
            .where("o.status", "in", ["CONFIRMED", "PARTIALLY_SHIPPED"])
            .groupBy("l.product_id")
            .execute()
        : [];
      const found = new Map(rows.map((r) => [r.product_id, new Dec(r.open).toFixed()]));
      return productIds.map((id) => found.get(id) ?? "0");
    }),
  };
}

export type SalesLoaders = ReturnType<typeof createSalesLoaders>;

/** Shipments by their ids or their orders' ids, with their lines: two statements, whatever the number. */
async function shipmentViews(db: Kysely<SalesDatabase>, by: "id" | "order_id", ids: string[]): Promise<ShipmentView[]> {
  const shipments = await db
    .selectFrom("sales.shipments")
    .selectAll()
    .where(by, "in", ids)
    .orderBy("shipped_at")
    .execute();
  const lines = shipments.length
    ? await db
        .selectFrom("sales.shipment_lines")
        .selectAll()
        .where(
          "shipment_id",
          "in",
          shipments.map((s) => s.id),
        )
        .execute()
    : [];
  return shipments.map((s) => ({
    ...toShipment(s),
    lines: lines
      .filter((l) => l.shipment_id === s.id)
      .map((l) => ({ orderLineId: l.line_id, productId: l.product_id, quantity: new Dec(l.quantity).toFixed() })),
  }));
}

export interface ShipmentLineView {
  orderLineId: string;
  productId: string;
  quantity: string;
}

export type ShipmentView = Shipment & { lines: ShipmentLineView[] };
