import pino from "pino";

const level = process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" || process.env.VITEST ? "silent" : "info");

/** The process logger: JSON lines on stdout, one child per request carrying its id. */
export const logger = pino({ level, base: { service: process.env.ERP_SERVICE ?? "erp" } });
