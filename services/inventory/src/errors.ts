import { businessError, KernelErrorCode } from "@erp/core";

/** Inventory's business error codes; schema.graphql documents each one in InventoryErrorCode. */
export const InventoryErrorCode = {
  ...KernelErrorCode,
  PRODUCT_NOT_FOUND: "PRODUCT_NOT_FOUND",
  SKU_TAKEN: "SKU_TAKEN",
  PRODUCT_DISCONTINUED: "PRODUCT_DISCONTINUED",
  PRODUCT_NOT_STOCKED: "PRODUCT_NOT_STOCKED",
  WAREHOUSE_NOT_FOUND: "WAREHOUSE_NOT_FOUND",
  WAREHOUSE_CODE_TAKEN: "WAREHOUSE_CODE_TAKEN",
  SAME_WAREHOUSE: "SAME_WAREHOUSE",
  INSUFFICIENT_STOCK: "INSUFFICIENT_STOCK",
  CURRENCY_MISMATCH: "CURRENCY_MISMATCH",
  RESERVATION_NOT_FOUND: "RESERVATION_NOT_FOUND",
  RESERVATION_EXCEEDED: "RESERVATION_EXCEEDED",
  ADJUSTMENT_NOT_FOUND: "ADJUSTMENT_NOT_FOUND",
  APPROVER_IS_REQUESTER: "APPROVER_IS_REQUESTER",
} as const;

/** Unique and check constraints whose violation is a business error rather than a bug. */
export const inventoryConstraintViolations = {
  products_sku_key: businessError(InventoryErrorCode.SKU_TAKEN, "Another product already has this SKU", "sku"),
  warehouses_code_key: businessError(
    InventoryErrorCode.WAREHOUSE_CODE_TAKEN,
    "Another warehouse already has this code",
    "code",
  ),
};
