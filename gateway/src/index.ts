export * from "./api-schema.js";
export { createAuthenticator } from "./auth/authenticate.js";
export * from "./cluster.js";
export * from "./compose.js";
export * from "./config.js";
export * from "./data-sources.js";
export * from "./gateway.js";
export * from "./runtime.js";
export * from "./subgraphs.js";
