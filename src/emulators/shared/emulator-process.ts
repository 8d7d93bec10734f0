import type { Logger } from 'pino';

/** A numeric environment variable of an emulator's `main.ts`: undefined when unset or empty, an error when not a number. */
export function envNumber(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got "${value}"`);
  return parsed;
}

/** SIGINT / SIGTERM close the emulator's server, then the process exits 0. */
export function closeOnSignals(log: Pick<Logger, 'info'>, emulator: { close(): Promise<void> }): void {
  const stop = (signal: NodeJS.Signals): void => {
    log.info({ signal }, 'stopping');
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
