export * from "./compose.js";
export * from "./config.js";
export * from "./data-sources.js";
export * from "./gateway.js";
export * from "./runtime.js";
export * from "./subgraphs.js";
export * from "./api-schema.js";
