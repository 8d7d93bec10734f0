import { pino } from 'pino';
import { currentRequestId } from './request-scope.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The names of every field that carries a secret somewhere in what Hangar might log: request headers,
 * provider credentials (Lambda Labs and RunPod API keys, AWS keys and session tokens) and a spawn's
 * bootstrap environment. Each is redacted at the top level and up to three levels down.
 */
const SECRET_FIELDS = [
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'apiKey',
  'api_key',
  'token',
  'accessToken',
  'refreshToken',
  'sessionToken',
  'password',
  'secret',
  'secretAccessKey',
  'accessKeyId',
  'credentials',
  'privateKey',
] as const;

/** A spawn's bootstrap: its environment holds whatever the caller exported to the machine. */
const SECRET_OBJECTS = ['bootstrap.env', 'env'] as const;

const at = (field: string) => (/^[A-Za-z_$][\w$]*$/.test(field) ? `.${field}` : `["${field}"]`);

/** pino's `redact.paths`: every secret field at depth 0 to 3 (`*` matches one level). */
export const REDACTED_PATHS: readonly string[] = [...SECRET_FIELDS, ...SECRET_OBJECTS].flatMap((field) => {
  const tail = field.split('.').map(at).join('');
  return ['', '*', '*.*', '*.*.*'].map((prefix) => `${prefix}${tail}`.replace(/^\./, ''));
});

export const REDACTED = '[redacted]';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/**
 * One JSON line per entry, from pino: `level` (a name), `time` (ISO 8601), `msg`, the request id of
 * the request being served (if any), then the fields. Secret-bearing fields are redacted by path
 * (REDACTED_PATHS). Lines go to stdout, or to `write` (tests capture them).
 */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  const destination = write ? { write } : pino.destination({ dest: 1, sync: true });
  const base = pino(
    {
      level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTED },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
    },
    destination,
  );
  const log = (method: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) =>
    fields === undefined ? base[method](message) : base[method](fields, message);
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}
