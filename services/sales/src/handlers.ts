import { CreditApproved, CreditRefused, ReservationRejected, StockReserved } from "@erp/contracts";
import { defineHandler, type EventHandler } from "@erp/core";
import type { SalesDatabase } from "./db.js";
import { knownEmployeeHandlers } from "./known-employees.js";
import { knownPartyHandlers } from "./known-parties.js";
import { confirmWithCredit, confirmWithReservations, rejectForCredit, rejectForStock } from "./order-confirmation.js";

/** Everything sales reacts to: other domains' facts, each applied once through the inbox. */
export const salesHandlers: EventHandler<SalesDatabase>[] = [
  ...knownPartyHandlers,
  ...knownEmployeeHandlers,
  defineHandler(StockReserved, "confirm-order-when-reserved", confirmWithReservations),
  defineHandler(ReservationRejected, "reject-order-when-stock-short", rejectForStock),
  defineHandler(CreditApproved, "confirm-order-when-credit-approved", confirmWithCredit),
  defineHandler(CreditRefused, "reject-order-when-credit-refused", rejectForCredit),
];
