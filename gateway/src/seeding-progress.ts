import { type Database, logger, type SubgraphModule } from "@erp/core";
import { sql } from "kysely";

/**
 * Seeding takes tens of seconds: say which domain is being filled and, when it is done, what it
 * received (the audit records its business actions wrote, by kind). A terminal sees a line as each
 * domain starts and ends; logs get one line per domain.
 */
export function seedingProgress(database: Database, modules: SubgraphModule[]) {
  const terminal = process.stdout.isTTY === true;
  const width = Math.max(...modules.map((m) => m.name.length));
  return {
    async starting(domain: string): Promise<() => Promise<void>> {
      const before = await recordsByKind(database, domain);
      const started = performance.now();
      if (terminal) process.stdout.write(`  seeding ${domain.padEnd(width)} …`);
      return async () => {
        const after = await recordsByKind(database, domain);
        const added = [...after]
          .map(([kind, count]) => [kind, count - (before.get(kind) ?? 0)] as const)
          .filter(([, count]) => count > 0);
        const records = added.reduce((sum, [, count]) => sum + count, 0);
        const seconds = (performance.now() - started) / 1000;
        const summary = added.map(([kind, count]) => `${count} ${kind}`).join(", ") || "nothing new";
        if (terminal)
          process.stdout.write(`\r  seeded  ${domain.padEnd(width)} ${summary} (${seconds.toFixed(1)} s)\n`);
        logger.info({ domain, records, byKind: Object.fromEntries(added), seconds }, "seeded");
      };
    },
  };
}

async function recordsByKind(database: Database, domain: string): Promise<Map<string, number>> {
  try {
    const { rows } = await sql<{ kind: string; count: string }>`
      select aggregate_type as kind, count(*) as count from ${sql.id(domain, "audit_log")} group by aggregate_type
    `.execute(database.db);
    return new Map(rows.map((r) => [r.kind, Number(r.count)]));
  } catch {
    return new Map(); // a domain without an audit log still seeds; it just reports no counts
  }
}
