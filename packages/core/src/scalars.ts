import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { DateTimeResolver, LocalDateResolver } from "graphql-scalars";
import { isCurrencyCode, isDecimalString } from "./money.js";

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT" } });
}

/**
 * A Decimal arrives as a string and keeps its exact form ("10.50" stays "10.50"). A JSON number
 * is refused, naming the string to send instead: 0.1 + 0.2 as a float is not 0.3, so the API
 * never guesses what a number meant.
 */
function parseDecimal(value: unknown): string {
  if (typeof value === "number") {
    const written = isDecimalString(String(value)) ? String(value) : "1234.50";
    throw invalid(`Decimal must be a string, not a number: send "${written}" (with quotes) instead of ${value}`);
  }
  if (typeof value !== "string" || !isDecimalString(value) || value.length > 40)
    throw invalid(`Decimal must be a string such as "1234.50", got ${JSON.stringify(value)}`);
  return value;
}

function parseCurrency(value: unknown): string {
  if (typeof value !== "string" || !isCurrencyCode(value))
    throw invalid(`CurrencyCode must be an ISO 4217 code such as "EUR", got ${JSON.stringify(value)}`);
  return value;
}

function stringLiteral(ast: ValueNode, name: string): string {
  if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT)
    throw invalid(`${name} must be written as a string, not a number: write "${ast.value}" (with quotes)`);
  if (ast.kind !== Kind.STRING) throw invalid(`${name} must be written as a string`);
  return ast.value;
}

/** Exact decimal carried as a string so no value ever passes through a float. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: "Decimal",
  description: 'An exact decimal number written as a string, e.g. "1234.50". Never a float.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(stringLiteral(ast, "Decimal")),
});

export const CurrencyCodeScalar = new GraphQLScalarType<string, string>({
  name: "CurrencyCode",
  description: "A three-letter ISO 4217 currency code, e.g. EUR or USD.",
  serialize: (value) => String(value),
  parseValue: parseCurrency,
  parseLiteral: (ast) => parseCurrency(stringLiteral(ast, "CurrencyCode")),
});

/** Resolvers for the kernel scalars; every subgraph merges them in. */
export const kernelScalarResolvers = {
  Decimal: DecimalScalar,
  CurrencyCode: CurrencyCodeScalar,
  DateTime: new GraphQLScalarType({ ...DateTimeResolver.toConfig(), name: "DateTime" }),
  Date: new GraphQLScalarType({ ...LocalDateResolver.toConfig(), name: "Date" }),
};
