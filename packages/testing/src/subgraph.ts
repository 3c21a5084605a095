import type { Database, DeliveredEvent, Principal, SubgraphModule } from "@erp/core";
import { afterAll, beforeAll } from "vitest";
import { subgraphClient } from "./client.js";
import { type TestClock, testClock } from "./clock.js";
import { countRows, createMigratedDatabase, schemaRowCounts } from "./database.js";
import { deliverEvent } from "./events.js";

type Client = ReturnType<typeof subgraphClient>;

/** What every subgraph test file works with; a domain's harness adds its own helpers on top. */
export interface SubgraphEnv {
  database: Database;
  /** The subgraph, called as a person holding every scope. */
  client: Client;
  /** The subgraph, called as someone else (four eyes, missing scopes). */
  as(principal: Principal): Client;
  /** The business clock every action, handler and read of this env runs on; move it to move time. */
  clock: TestClock;
  /** Another domain's event, handled by this domain's handlers as the event bus would. */
  deliver(type: string, payload: Record<string, unknown>): Promise<DeliveredEvent>;
  /** Rows of a table, optionally only those matching a SQL condition. */
  count(table: string, where?: string): Promise<number>;
  /** Row counts of every table of the domain's schema, to prove a refusal wrote nothing. */
  snapshot(): Promise<Record<string, number>>;
}

/**
 * One fresh database per test file with the module migrated, opened before the file's tests
 * and closed after them. The fields are filled in `beforeAll`: read them inside tests.
 */
export function useSubgraph(module: SubgraphModule): SubgraphEnv {
  const clock = testClock();
  const env = { clock } as SubgraphEnv;
  beforeAll(async () => {
    const database = await createMigratedDatabase([module]);
    Object.assign(env, {
      database,
      clock,
      client: subgraphClient(module, database.db, undefined, clock),
      as: (principal: Principal) => subgraphClient(module, database.db, principal, clock),
      deliver: (type: string, payload: Record<string, unknown>) =>
        deliverEvent(database.db, module, type, payload, clock),
      count: (table: string, where?: string) => countRows(database.db, table, where),
      snapshot: () => schemaRowCounts(database.db, module.name),
    } satisfies SubgraphEnv);
  });
  afterAll(() => env.database?.close());
  return env;
}
