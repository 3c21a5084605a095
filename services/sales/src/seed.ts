import type { OperationRunner } from "@erp/core";

/** Demo orders come with the order-to-cash flow's own seed; see gateway runtime. */
export async function seedSales(_execute: OperationRunner): Promise<void> {}
