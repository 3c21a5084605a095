import { type EventContract, eventCatalogue } from "@erp/contracts";
import { describe, expect, it } from "vitest";
import { subgraphModules } from "../src/subgraphs.js";

// Every module the gateway serves: what each declares it publishes (emit refuses anything else)
// and what its handlers consume.
const modules = subgraphModules();
const byName = new Map(modules.map((m) => [m.name, m]));
const catalogue = new Set<EventContract>(eventCatalogue);
const publishes = (domain: string): readonly EventContract[] => byName.get(domain)?.publishes ?? [];

const emitted = modules.flatMap((m) => publishes(m.name).map((contract) => ({ domain: m.name, contract })));
const consumed = modules.flatMap((m) =>
  (m.handlers ?? []).map((h) => ({ domain: m.name, handler: h.name, contract: h.contract })),
);

describe("event contracts between the domains", () => {
  it("lists what each domain emits and consumes", () => {
    expect(emitted.length).toBeGreaterThanOrEqual(40);
    expect(consumed.length).toBeGreaterThanOrEqual(20);
    expect(new Set(consumed.map((c) => c.domain))).toEqual(new Set(["sales", "finance", "inventory"]));
  });

  it("emits only contracts of the catalogue, each from the domain that owns it", () => {
    const strays = emitted
      .filter(({ domain, contract }) => !catalogue.has(contract) || contract.source !== domain)
      .map(({ domain, contract }) => `${domain} publishes ${contract.type} (source ${contract.source})`);
    expect(strays).toEqual([]);
  });

  it("consumes nothing that its owning domain does not publish", () => {
    const orphans = consumed
      .filter(({ contract }) => !publishes(contract.source).includes(contract))
      .map(({ domain, handler, contract }) => `${domain}.${handler} consumes ${contract.type}, which nobody publishes`);
    expect(orphans).toEqual([]);
  });

  it("declares each event type once, named after its source domain", () => {
    const types = eventCatalogue.map((c) => c.type);
    expect(new Set(types).size).toBe(types.length);
    expect(eventCatalogue.filter((c) => !c.type.startsWith(`${c.source}.`)).map((c) => c.type)).toEqual([]);
  });

  it("gives each handler of a domain its own name (its queue)", () => {
    for (const m of modules) {
      const names = (m.handlers ?? []).map((h) => h.name);
      expect(new Set(names).size, m.name).toBe(names.length);
    }
  });
});
