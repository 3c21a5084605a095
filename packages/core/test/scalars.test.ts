import { buildSchema, graphql } from "graphql";
import { describe, expect, it } from "vitest";
import { DecimalScalar } from "../src/scalars.js";

const schema = buildSchema("scalar Decimal type Query { echo(value: Decimal!): Decimal! }");
Object.assign(schema.getType("Decimal")!, {
  parseValue: DecimalScalar.parseValue,
  parseLiteral: DecimalScalar.parseLiteral,
  serialize: DecimalScalar.serialize,
});
const rootValue = { echo: ({ value }: { value: string }) => value };

describe("Decimal inputs", () => {
  it("keep their exact string form", async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: "query($v: Decimal!) { echo(value: $v) }",
      variableValues: { v: "10.50" },
    });
    expect(result.data?.echo).toBe("10.50");
    expect((await graphql({ schema, rootValue, source: '{ echo(value: "0.100") }' })).data?.echo).toBe("0.100");
  });

  it("refuse a JSON number, saying so and showing the string to send", async () => {
    const result = await graphql({
      schema,
      rootValue,
      source: "query($v: Decimal!) { echo(value: $v) }",
      variableValues: { v: 10.5 },
    });
    expect(result.errors?.[0]?.message).toContain('Decimal must be a string, not a number: send "10.5" (with quotes)');
  });

  it("refuse a number literal in the query, showing it quoted", async () => {
    const result = await graphql({ schema, rootValue, source: "{ echo(value: 12.30) }" });
    expect(result.errors?.[0]?.message).toContain('Decimal must be written as a string, not a number: write "12.30"');
  });

  it("refuse a string that is not a decimal, with an example", async () => {
    const result = await graphql({ schema, rootValue, source: '{ echo(value: "1,5") }' });
    expect(result.errors?.[0]?.message).toContain('Decimal must be a string such as "1234.50"');
  });
});
