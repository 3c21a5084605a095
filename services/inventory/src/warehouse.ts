import { WarehouseOpened } from "@erp/contracts";
import { type ActionScope, fields, parseInput } from "@erp/core";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import type { InventoryDatabase, WarehouseAddressJson, WarehousesTable } from "./db.js";
import { InventoryErrorCode, notFound } from "./errors.js";

export interface Warehouse {
  id: string;
  code: string;
  name: string;
  address: WarehouseAddressJson | null;
  createdAt: string;
}

export function toWarehouse(row: Selectable<WarehousesTable>): Warehouse {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    address: row.address,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

const openSchema = z.object({
  code: fields.code("Code", /^[A-Za-z0-9][A-Za-z0-9-]{0,19}$/, "Code must be 1 to 20 letters, digits or dashes"),
  name: fields.text("Name", 200),
  address: z
    .object({
      line1: fields.text("Address line 1", 200),
      postalCode: fields.text("Postal code", 20),
      city: fields.text("City", 100),
      country: fields.countryCode(),
    })
    .nullish(),
});

export async function openWarehouse(scope: ActionScope<InventoryDatabase>, input: z.input<typeof openSchema>) {
  const data = parseInput(openSchema, input);
  const row = await scope.trx
    .insertInto("inventory.warehouses")
    .values({ code: data.code, name: data.name, address: data.address ? JSON.stringify(data.address) : null })
    .returningAll()
    .executeTakeFirstOrThrow();
  const warehouse = toWarehouse(row);
  await scope.audit("Warehouse", warehouse.id, { code: warehouse.code });
  await scope.emit(WarehouseOpened, warehouse.id, {
    warehouseId: warehouse.id,
    code: warehouse.code,
    name: warehouse.name,
  });
  return warehouse;
}

export async function findWarehouse(db: Kysely<InventoryDatabase>, id: string, field = "warehouseId") {
  const row = await db.selectFrom("inventory.warehouses").selectAll().where("id", "=", id).executeTakeFirst();
  return row ?? notFound(InventoryErrorCode.WAREHOUSE_NOT_FOUND, "The warehouse", field);
}
