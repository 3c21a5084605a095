import type { EventHandler } from "@erp/core";
import type { SalesDatabase } from "./db.js";
import { knownPartyHandlers } from "./known-parties.js";
import { confirmWithCredit, confirmWithReservations, rejectForCredit, rejectForStock } from "./order.js";

/** Everything sales reacts to: other domains' facts, each applied once through the inbox. */
export const salesHandlers: EventHandler<SalesDatabase>[] = [
  ...knownPartyHandlers,
  { name: "confirm-order-when-reserved", on: "inventory.stock.reserved", handle: confirmWithReservations },
  { name: "reject-order-when-stock-short", on: "inventory.reservation.rejected", handle: rejectForStock },
  { name: "confirm-order-when-credit-approved", on: "finance.credit.approved", handle: confirmWithCredit },
  { name: "reject-order-when-credit-refused", on: "finance.credit.refused", handle: rejectForCredit },
];
