import { type EventConsumer, eventConsumers } from "@erp/contracts";
import type { SubgraphModule } from "../subgraph.js";
import { type EventHandler, queueName } from "./handler.js";

/** Where a process's events go and which queues it works, decided before it starts. */
export interface EventRoutes {
  /** Handler queues by event type, for every event this process's domains publish. */
  byEvent: Map<string, string[]>;
  /** The handler queues this process works. */
  own: string[];
  /** Every queue this process sends to or works: created up front at start. */
  all: string[];
}

/**
 * Routes from the static table of consumers (@erp/contracts' eventConsumers), never from the
 * queues that happen to exist: a consumer whose process has not started yet still has its queue
 * and its events. The handlers of the modules in this process count too (a domain under test, or
 * a handler not yet listed, in one process).
 */
export function eventRoutes(
  modules: readonly SubgraphModule[],
  consumers: readonly EventConsumer[] = eventConsumers,
): EventRoutes {
  const own = modules.flatMap((m) =>
    ((m.handlers ?? []) as EventHandler[]).map((h) => ({ event: h.contract.type, queue: queueName(m.name, h) })),
  );
  const listed = consumers.map((c) => ({ event: c.event as string, queue: consumerQueue(c) }));
  const published = new Set(modules.flatMap((m) => (m.publishes ?? []).map((c) => c.type)));
  const byEvent = new Map<string, string[]>();
  for (const { event, queue } of [...listed, ...own]) {
    if (!published.has(event)) continue;
    const queues = byEvent.get(event) ?? [];
    if (!queues.includes(queue)) byEvent.set(event, [...queues, queue]);
  }
  const all = [...new Set([...own.map((o) => o.queue), ...[...byEvent.values()].flat()])].sort();
  return { byEvent, own: own.map((o) => o.queue), all };
}

const consumerQueue = (c: EventConsumer): string =>
  queueName(c.domain, { name: c.handler, contract: { type: c.event } });

/** Every handler queue of every domain listed: what a process outside any domain (tests, seeding) watches. */
export const allConsumerQueues = (consumers: readonly EventConsumer[] = eventConsumers): string[] =>
  consumers.map(consumerQueue).sort();
