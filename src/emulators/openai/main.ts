import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals, envNumber } from '../shared/emulator-process.js';
import { DEFAULT_OPENAI_EMULATOR_API_KEY } from './openai-emulator-options.js';
import { startOpenAiEmulator } from './start-openai-emulator.js';

const log = createEmulatorLogger('openai');

const port = envNumber('PORT') ?? 4570;
const seed = envNumber('OPENAI_EMULATOR_SEED');
const rateLimitRequests = envNumber('OPENAI_EMULATOR_RATE_LIMIT_REQUESTS');
const rateLimitWindowMs = envNumber('OPENAI_EMULATOR_RATE_LIMIT_WINDOW_MS') ?? 60_000;
const apiKeys = (process.env.OPENAI_EMULATOR_API_KEY || DEFAULT_OPENAI_EMULATOR_API_KEY).split(',').filter(Boolean);

const emulator = await startOpenAiEmulator({
  port,
  apiKeys,
  ...(seed !== undefined && { seed }),
  ...(rateLimitRequests !== undefined && { rateLimit: { requests: rateLimitRequests, windowMs: rateLimitWindowMs } }),
});
// Never the keys themselves: how many there are is enough.
log.info({ url: emulator.url, apiKeys: apiKeys.length, baseUrlForSdk: `${emulator.url}/v1` }, 'openai emulator listening');

closeOnSignals(log, emulator);
