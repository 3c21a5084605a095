import type { GatewayConfig } from "./config.js";

export async function startSplit(_config: GatewayConfig): Promise<void> {
  throw new Error("not yet");
}
