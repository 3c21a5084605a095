import type { EventContract } from "@erp/contracts";

/** The contracts each domain declares it publishes (its module's `publishes`), by domain name. */
const published = new Map<string, ReadonlySet<EventContract>>();

export function declarePublishes(domain: string, contracts: readonly EventContract[]): void {
  published.set(domain, new Set(contracts));
}

/** The contracts a domain declared, for checks that every consumed event has a publisher. */
export const publishedBy = (domain: string): readonly EventContract[] => [...(published.get(domain) ?? [])];

/**
 * Refuses, as a programming error, an event its domain may not emit: one owned by another
 * domain, or one missing from the domain's `publishes` list (e.g. a contract declared ad hoc
 * instead of in @erp/contracts), so the list is exactly what consumers can rely on.
 */
export function assertMayEmit(domain: string, contract: EventContract): void {
  if (contract.source !== domain)
    throw new Error(`${domain} may not emit ${contract.type}: the contract belongs to ${contract.source}`);
  if (!published.get(domain)?.has(contract))
    throw new Error(`${domain} does not declare ${contract.type} among the events it publishes`);
}
