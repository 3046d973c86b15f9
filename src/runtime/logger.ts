/**
 * Where the host writes what it cannot hand to anyone else (a `host:error` nobody listens to).
 * pino-compatible: `logger.error({ err, instanceId, where }, message)`; a pino or bunyan logger fits.
 */
export interface HostLogger {
  error(details: object, message?: string): void;
  warn(details: object, message?: string): void;
  info?(details: object, message?: string): void;
  debug?(details: object, message?: string): void;
}

function line(level: string, details: object, message?: string): string {
  const { err, ...rest } = details as { err?: unknown };
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  const error = err instanceof Error ? `\n${err.stack ?? `${err.name}: ${err.message}`}` : err !== undefined ? ` ${String(err)}` : '';
  return `[wfe] ${level}: ${message ?? ''}${extra}${error}\n`;
}

/** The default: warnings and errors to stderr, nothing else. */
export const stderrLogger: HostLogger = {
  error: (details, message) => void process.stderr.write(line('error', details, message)),
  warn: (details, message) => void process.stderr.write(line('warn', details, message)),
};
