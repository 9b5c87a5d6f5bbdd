/**
 * The slice of a structured logger the client needs. pino's loggers fit it as they are
 * (`logger.warn({ attempt: 2 }, "retrying")`), so an application passes its own and the
 * client's lines carry the application's bindings.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const ignore = (): void => {};

/** The default: a library says nothing unless asked to. */
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };
