import { crmEvents } from "./crm.js";
import { financeEvents } from "./finance.js";
import { hrEvents } from "./hr.js";
import { inventoryEvents } from "./inventory.js";
import { procurementEvents } from "./procurement.js";
import { salesEvents } from "./sales.js";

export * from "./consumers.js";
export * from "./contract.js";
export * from "./crm.js";
export * from "./finance.js";
export * from "./hr.js";
export * from "./inventory.js";
export * from "./procurement.js";
export * from "./sales.js";

/** Every event any domain emits, each declared once. */
export const eventCatalogue = [
  ...crmEvents,
  ...inventoryEvents,
  ...salesEvents,
  ...financeEvents,
  ...procurementEvents,
  ...hrEvents,
] as const;
