import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as contracts from "@erp/contracts";
import { type EventContract, eventCatalogue, eventConsumers } from "@erp/contracts";
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

/** The contract's exported name, e.g. OrderConfirmationRequested, as domain code names it. */
const exportName = new Map<EventContract, string>();
for (const [name, value] of Object.entries(contracts))
  if (catalogue.has(value as EventContract)) exportName.set(value as EventContract, name);

/** Import statements: naming a contract there alone does not emit it. */
const IMPORTS = /import\s[\s\S]*?from\s*["'][^"']+["'];?/g;

/** A domain's own code (generated files and imports aside), to see which contracts it uses. */
function domainSource(domain: string): string {
  const root = join(import.meta.dirname, "../../services", domain, "src");
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.startsWith("generated"))
    .map((file) => readFileSync(join(root, file), "utf8").replace(IMPORTS, ""))
    .join("\n");
}

describe("event contracts between the domains", () => {
  it("lists what each domain emits and consumes", () => {
    expect(emitted.length).toBeGreaterThanOrEqual(40);
    expect(consumed.length).toBeGreaterThanOrEqual(20);
    expect(new Set(consumed.map((c) => c.domain))).toEqual(
      new Set(["sales", "finance", "inventory", "hr", "procurement", "crm", "webhooks"]),
    );
  });

  it("emits only contracts of the catalogue, each from the domain that owns it", () => {
    const strays = emitted
      .filter(({ domain, contract }) => !catalogue.has(contract) || contract.source !== domain)
      .map(({ domain, contract }) => `${domain} publishes ${contract.type} (source ${contract.source})`);
    expect(strays).toEqual([]);
  });

  it("publishes only what the domain's code emits: each declared contract is named in its source", () => {
    const unused = modules.flatMap((m) => {
      if (!publishes(m.name).length) return [];
      const source = domainSource(m.name);
      return publishes(m.name)
        .map((contract) => exportName.get(contract) ?? contract.type)
        .filter((name) => !new RegExp(`\\b${name}\\b`).test(source))
        .map((name) => `${m.name} declares ${name} but its code never names it`);
    });
    expect(unused).toEqual([]);
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

  it("lists every handler, and only those, in the static consumer table the event bus routes from", () => {
    const line = (c: { event: string; domain: string; handler: string }) => `${c.event} → ${c.domain}.${c.handler}`;
    const declared = consumed.map(({ domain, handler, contract }) => line({ event: contract.type, domain, handler }));
    // A handler missing here would receive nothing in split mode before its own process started.
    expect([...eventConsumers.map(line)].sort()).toEqual(declared.sort());
  });
});
