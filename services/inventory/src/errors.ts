import { businessError, type NotFound, type Refuse, refusals } from "@erp/core";
import { InventoryErrorCode } from "./generated/enums.js";

/** Inventory's business error codes: the InventoryErrorCode enum of schema.graphql, generated, the kernel's among them. */
export { InventoryErrorCode };

const refusal = refusals(InventoryErrorCode);
/** Refusals that accept only InventoryErrorCodes, so a misspelt code does not compile; annotated, so that `if (!row) notFound(…)` narrows. */
export const refuse: Refuse<InventoryErrorCode> = refusal.refuse;
/** A not-found refusal with one of the domain's codes. */
export const notFound: NotFound<InventoryErrorCode> = refusal.notFound;

/** Unique and check constraints whose violation is a business error rather than a bug. */
export const inventoryConstraintViolations = {
  products_sku_key: businessError(InventoryErrorCode.SKU_TAKEN, "Another product already has this SKU", "sku"),
  warehouses_code_key: businessError(
    InventoryErrorCode.WAREHOUSE_CODE_TAKEN,
    "Another warehouse already has this code",
    "code",
  ),
};
