import { sendGraphQLError } from "@erp/core";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { MaxTokensParserWLexer } from "@escape.tech/graphql-armor-max-tokens";
import type { RequestHandler } from "express";
import { GraphQLError, type ValidationContext, type ValidationRule } from "graphql";
import type { EdgeConfig } from "./config.js";

type ShapeLimits = Pick<EdgeConfig, "maxDepth" | "maxAliases" | "maxDirectives" | "maxTokens">;

/** Depth, aliases and directives, checked with GraphQL's own validation, before the query is planned. */
export function shapeRules(limits: ShapeLimits): ValidationRule[] {
  // Reported as validation errors (400), not thrown: a thrown rule would surface as a 500.
  const report = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ""))),
    ],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ...report }),
    maxAliasesRule({ n: limits.maxAliases, ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
  ] as ValidationRule[];
}

/**
 * Counts tokens before Apollo parses and validates the document, so a huge query (10,000
 * aliases) costs one lexer pass, not a full validation, before it is refused.
 */
export function tokenLimit(limits: ShapeLimits): RequestHandler {
  return (req, res, next) => {
    const body = req.body as { query?: unknown } | undefined;
    const query = typeof body?.query === "string" ? body.query : req.query?.query;
    if (typeof query !== "string") return next();
    try {
      new MaxTokensParserWLexer(query, { n: limits.maxTokens }).parseDocument();
    } catch (error) {
      // Other syntax errors are Apollo's to answer, in its own words.
      if (String((error as Error).message).includes("Token limit")) {
        return sendGraphQLError(res, 400, `The query has more than ${limits.maxTokens} tokens`, {
          code: "GRAPHQL_PARSE_FAILED",
          maxTokens: limits.maxTokens,
        });
      }
    }
    next();
  };
}
