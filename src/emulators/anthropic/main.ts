import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { DEFAULT_ANTHROPIC_EMULATOR_API_KEY } from './anthropic-emulator-options.js';
import { startAnthropicEmulator } from './start-anthropic-emulator.js';

const log = createEmulatorLogger('anthropic');

const number = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got "${value}"`);
  return parsed;
};

const port = number('PORT') ?? 4571;
const seed = number('ANTHROPIC_EMULATOR_SEED');
const requestsPerMinute = number('ANTHROPIC_EMULATOR_REQUESTS_PER_MINUTE');
const apiKey = process.env.ANTHROPIC_EMULATOR_API_KEY || DEFAULT_ANTHROPIC_EMULATOR_API_KEY;

const emulator = await startAnthropicEmulator({
  port,
  apiKeys: [apiKey],
  ...(seed !== undefined && { seed }),
  ...(requestsPerMinute !== undefined && { rateLimit: { requests: requestsPerMinute, windowMs: 60_000 } }),
});
// The key is never logged: whether it is the built-in test key is enough to know which one to use.
log.info({ url: emulator.url, apiKey: apiKey === DEFAULT_ANTHROPIC_EMULATOR_API_KEY ? 'default' : 'from ANTHROPIC_EMULATOR_API_KEY' }, 'anthropic emulator listening');

const stop = (signal: NodeJS.Signals): void => {
  log.info({ signal }, 'stopping');
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
