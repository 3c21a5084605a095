import { isUuid } from "@erp/core";
import type { InventoryContext } from "./context.js";
import { GOODS_RECEIPT } from "./goods-receipt.js";
import type { DocumentReference } from "./movement.js";

/** The GraphQL type each kind of document reference names; the owning domain resolves the stub. */
const OWNED_ELSEWHERE = {
  SalesOrder: "SalesOrder",
  SalesShipment: "Shipment",
  [GOODS_RECEIPT]: "GoodsReceipt",
} as const;

/**
 * The document a movement or reservation answers to: a stub `{ __typename, id }` that sales or
 * procurement resolves (the gateway batches every stub of a page into one _entities call), or an
 * adjustment through the per-request loader; null for kinds inventory cannot follow.
 */
export async function documentOf(reference: DocumentReference, ctx: InventoryContext) {
  if (!isUuid(reference.id)) return null;
  if (reference.type === "StockAdjustment") {
    const adjustment = await ctx.loaders.adjustment.load(reference.id);
    return adjustment && { ...adjustment, __typename: "StockAdjustment" as const };
  }
  const typename = OWNED_ELSEWHERE[reference.type as keyof typeof OWNED_ELSEWHERE];
  return typename ? { __typename: typename, id: reference.id } : null;
}
