import { randomUUID } from "node:crypto";
import { type Clock, type DeliveredEvent, handleOnce, type SubgraphModule, systemClock } from "@erp/core";
import type { Kysely } from "kysely";

/**
 * Delivers another domain's event to a module's own handlers exactly as the event bus would
 * (through the inbox, in the module's transaction), for subgraph tests without the bus.
 */
export async function deliverEvent(
  db: Kysely<unknown>,
  module: SubgraphModule,
  type: string,
  payload: Record<string, unknown>,
  clock: Clock = systemClock,
): Promise<DeliveredEvent> {
  const event: DeliveredEvent = {
    id: randomUUID(),
    type,
    source: type.split(".")[0]!,
    aggregateType: "Test",
    aggregateId: "test",
    payload,
    occurredAt: clock.now().toISOString(),
    requestId: "test",
  };
  const handlers = (module.handlers ?? []).filter((h) => h.contract.type === type);
  // A misspelt type would otherwise be a silent no-op and the test would prove nothing.
  if (!handlers.length) throw new Error(`${module.name} has no handler for ${type}`);
  for (const handler of handlers)
    await handleOnce(db, module.name, handler, { ...event, version: handler.contract.version }, clock);
  return event;
}
