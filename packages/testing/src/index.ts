export * from "./auth.js";
export * from "./client.js";
export * from "./clock.js";
export * from "./connections.js";
export * from "./constraints.js";
export * from "./database.js";
export * from "./events.js";
export * from "./factories.js";
export * from "./people.js";
export * from "./refusals.js";
export * from "./subgraph.js";
export * from "./connections.js";
export * from "./webhook-receiver.js";

