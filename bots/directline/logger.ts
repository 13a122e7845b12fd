/**
 * The slice of a pino logger the Direct Line endpoint uses; a pino `Logger` satisfies it.
 * Log objects carry conversation ids, never tokens or message text.
 */
export interface DirectLineLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Discards everything; the default when no logger is given. */
export const silentLogger: DirectLineLogger = {
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
