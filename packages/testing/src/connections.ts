import type { GraphQLClient } from "./client.js";

interface Page {
  nodes: Record<string, unknown>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/**
 * Every page of a connection, forward (`first`/`after`) or backward (`last`/`before`), in the
 * list's order, each page as the `key` of its nodes. The query takes $first, $after, $last and
 * $before (and any `variables`) and selects the connection at `field` with nodes and pageInfo.
 */
export async function walkConnection(
  client: GraphQLClient,
  query: string,
  field: string,
  options: { size: number; backward?: boolean; key?: string; variables?: Record<string, unknown> },
): Promise<string[][]> {
  const { size, backward = false, key = "id", variables = {} } = options;
  const pages: string[][] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const paging: Record<string, unknown> = backward ? { last: size, before: cursor } : { first: size, after: cursor };
    const result: { data?: unknown; errors?: unknown } = await client.request(query, { ...variables, ...paging });
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    const page: Page = (result.data as Record<string, Page>)[field]!;
    pages.push(page.nodes.map((n) => String(n[key])));
    const more = backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage;
    if (!more) break;
    cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
  }
  return backward ? pages.reverse() : pages;
}
