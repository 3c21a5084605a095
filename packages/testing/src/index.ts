export * from "./auth.js";
export * from "./client.js";
export * from "./database.js";
export * from "./events.js";
export * from "./factories.js";
export * from "./refusals.js";
export * from "./subgraph.js";
