import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { DEFAULT_OPENAI_EMULATOR_API_KEY } from './openai-emulator-options.js';
import { startOpenAiEmulator } from './start-openai-emulator.js';

const log = createEmulatorLogger('openai');

const number = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`${name} must be a number, got "${value}"`);
  return parsed;
};

const port = number('PORT') ?? 4570;
const seed = number('OPENAI_EMULATOR_SEED');
const rateLimitRequests = number('OPENAI_EMULATOR_RATE_LIMIT_REQUESTS');
const rateLimitWindowMs = number('OPENAI_EMULATOR_RATE_LIMIT_WINDOW_MS') ?? 60_000;
const apiKeys = (process.env.OPENAI_EMULATOR_API_KEY || DEFAULT_OPENAI_EMULATOR_API_KEY).split(',').filter(Boolean);

const emulator = await startOpenAiEmulator({
  port,
  apiKeys,
  ...(seed !== undefined && { seed }),
  ...(rateLimitRequests !== undefined && { rateLimit: { requests: rateLimitRequests, windowMs: rateLimitWindowMs } }),
});
// Never the keys themselves: how many there are is enough.
log.info({ url: emulator.url, apiKeys: apiKeys.length, baseUrlForSdk: `${emulator.url}/v1` }, 'openai emulator listening');

const stop = (signal: NodeJS.Signals): void => {
  log.info({ signal }, 'stopping');
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
