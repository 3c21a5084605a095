import {
  type ActionScope,
  Dec,
  decimalPlaces,
  fields,
  isDecimalString,
  type Money,
  money,
  parseInput,
  sql,
} from "@erp/core";
import type { Selectable } from "kysely";
import { z } from "zod";
import { priceValidityWindow } from "./config.js";
import type { ProcurementDatabase, SupplierPricesTable } from "./db.js";
import { ProcurementErrorCode, refuse } from "./errors.js";
import { assertPurchasableProduct } from "./products.js";
import { lockSupplier } from "./supplier.js";

export interface SupplierPrice {
  id: string;
  supplierId: string;
  productId: string;
  price: Money;
  leadTimeDays: number;
  minimumQuantity: string;
  validFrom: string;
  validTo: string | null;
}

export function toSupplierPrice(row: Selectable<SupplierPricesTable>): SupplierPrice {
  return {
    id: row.id,
    supplierId: row.supplier_id,
    productId: row.product_id,
    price: money(row.price, row.currency.trim()),
    leadTimeDays: row.lead_time_days,
    minimumQuantity: new Dec(row.minimum_quantity).toFixed(),
    validFrom: row.valid_from,
    validTo: row.valid_to,
  };
}

const priceSchema = z.object({
  supplierId: fields.id("supplierId"),
  productId: fields.id("productId"),
  price: fields.money(),
  leadTimeDays: z.number().int().min(0).max(3650),
  minimumQuantity: z
    .string()
    .refine((v) => isDecimalString(v) && new Dec(v).gt(0) && new Dec(v).lt("1e12") && decimalPlaces(v) <= 6, {
      message: "Minimum quantity must be positive, below 10^12, with at most 6 decimals",
    })
    .nullish(),
  validFrom: fields.dateWithin("Valid from", priceValidityWindow).nullish(),
  validTo: fields.dateWithin("Valid to", priceValidityWindow).nullish(),
  preferred: z.boolean().nullish(),
});

export async function setSupplierPrice(scope: ActionScope<ProcurementDatabase>, input: z.input<typeof priceSchema>) {
  const data = parseInput(priceSchema, input);
  const supplier = await lockSupplier(scope.trx, data.supplierId);
  const product = await assertPurchasableProduct(scope.trx, data.productId, data.price.currency, "productId");
  const validFrom = data.validFrom ?? scope.today();
  if (data.validTo && data.validTo < validFrom)
    refuse(ProcurementErrorCode.VALIDATION_FAILED, "Valid to must not be before valid from", "validTo");
  const values = {
    price: data.price.amount,
    currency: data.price.currency,
    lead_time_days: data.leadTimeDays,
    minimum_quantity: data.minimumQuantity ?? "1",
    valid_to: data.validTo ?? null,
    updated_at: sql<Date>`now()`,
  };
  const row = await scope.trx
    .insertInto("procurement.supplier_prices")
    .values({ supplier_id: supplier.id, product_id: product.product_id, valid_from: validFrom, ...values })
    .onConflict((oc) => oc.constraint("supplier_prices_unique").doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  if (data.preferred)
    await scope.trx
      .insertInto("procurement.preferred_suppliers")
      .values({ product_id: product.product_id, supplier_id: supplier.id })
      .onConflict((oc) => oc.column("product_id").doUpdateSet({ supplier_id: supplier.id }))
      .execute();
  await scope.audit("Supplier", supplier.id, {
    productId: product.product_id,
    price: data.price,
    validFrom,
    preferred: !!data.preferred,
  });
  return toSupplierPrice(row);
}
