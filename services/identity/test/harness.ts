import { sql } from "@erp/core";
import { expectData, newKey, type SubgraphEnv, useSubgraph } from "@erp/testing";
import { beforeAll } from "vitest";
import { identity } from "../src/index.js";

export const ISSUE = `mutation($input: IssueApiKeyInput!) {
  issueApiKey(input: $input) {
    apiKey { id name prefix scopes status safelistOnly development createdBy expiresAt lastUsedAt revokedAt }
    secret
    errors { code field message }
  }
}`;

/** The shared subgraph harness on the identity module, plus key issuing and a whole-schema dump. */
export function useIdentity() {
  const env = useSubgraph(identity) as SubgraphEnv & {
    /** Issues a key through the subgraph; returns its id and the one-time token. */
    issue: (input?: Record<string, unknown>) => Promise<{ id: string; token: string; prefix: string }>;
    /** Every row of every identity table as text, to prove a secret was never written. */
    everything: () => Promise<string>;
  };
  beforeAll(() => {
    env.issue = async (input = {}) => {
      const data = await expectData(env.client, ISSUE, {
        input: { idempotencyKey: newKey("issue"), name: "Acme webshop", scopes: ["crm:read"], ...input },
      });
      const { apiKey, secret, errors } = data.issueApiKey;
      if (errors.length) throw new Error(JSON.stringify(errors));
      return { id: apiKey.id, token: secret, prefix: apiKey.prefix };
    };
    env.everything = async () => {
      const { rows: tables } = await sql<{ name: string }>`
        select table_name as name from information_schema.tables where table_schema = 'identity'`.execute(
        env.database.db,
      );
      const dumps = await Promise.all(
        tables.map(async ({ name }) => {
          const { rows } = await sql<{ row: string }>`select t::text as row from identity.${sql.id(name)} t`.execute(
            env.database.db,
          );
          return rows.map((r) => r.row).join("\n");
        }),
      );
      return dumps.join("\n");
    };
  });
  return env;
}
