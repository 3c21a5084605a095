import { newKey, testDatabaseKind, walkConnection } from "@erp/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { useIdentity } from "./harness.js";

const env = useIdentity();
/** Issued in this order: names tie in pairs, so the tie-breaker (issuing) shows; the second and fourth are revoked. */
const NAMES = ["Ordo Beta", "Ordo Alpha", "Ordo Beta", "Ordo Gamma", "Ordo Alpha"];
const keys: string[] = [];

beforeAll(async () => {
  for (const name of NAMES) keys.push((await env.issue({ name })).id);
  for (const id of [keys[1], keys[3]]) {
    const { data } = await env.client.request(
      `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { errors { code } } }`,
      { input: { idempotencyKey: newKey(), id } },
    );
    expect(data.revokeApiKey.errors).toEqual([]);
  }
});

const LIST = `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ApiKeyOrder) {
  apiKeys(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    nodes { id status } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount
  }
}`;
const walk = (orderBy: unknown, backward = false) =>
  walkConnection(env.client, LIST, "apiKeys", { size: 2, backward, variables: { orderBy } });
const key = (...i: number[]) => i.map((n) => keys[n]!);

describe(`the API key list's orders on ${testDatabaseKind()}`, () => {
  it("sorts by name both ways, ties by issuing in the same direction, the same rows forward and backward", async () => {
    const asc = key(1, 4, 0, 2, 3);
    expect((await walk({ key: "NAME", direction: "ASC" })).flat()).toEqual(asc);
    expect((await walk({ key: "NAME", direction: "ASC" }, true)).flat()).toEqual(asc);
    const desc = key(3, 2, 0, 4, 1);
    expect((await walk({ key: "NAME", direction: "DESC" })).flat()).toEqual(desc);
    expect(await walk({ key: "NAME", direction: "DESC" }, true)).toEqual([
      desc.slice(0, 1),
      desc.slice(1, 3),
      desc.slice(3),
    ]);
    expect((await walk(null)).flat()).toEqual(keys);
  });

  it("sorts revoked keys apart by status, ties by issuing, and counts the whole list", async () => {
    const byStatus = key(3, 1, 4, 2, 0);
    expect((await walk({ key: "STATUS", direction: "DESC" })).flat()).toEqual(byStatus);
    expect((await walk({ key: "STATUS", direction: "DESC" }, true)).flat()).toEqual(byStatus);
    const { data } = await env.client.request(LIST, { first: 2, orderBy: { key: "STATUS", direction: "DESC" } });
    expect(data.apiKeys.nodes.map((n: any) => n.status)).toEqual(["REVOKED", "REVOKED"]);
    expect(data.apiKeys.totalCount).toBe(5);
  });
});
