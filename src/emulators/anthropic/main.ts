import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals, envNumber } from '../shared/emulator-process.js';
import { DEFAULT_ANTHROPIC_EMULATOR_API_KEY } from './anthropic-emulator-options.js';
import { startAnthropicEmulator } from './start-anthropic-emulator.js';

const log = createEmulatorLogger('anthropic');

const port = envNumber('PORT') ?? 4571;
const seed = envNumber('ANTHROPIC_EMULATOR_SEED');
const requestsPerMinute = envNumber('ANTHROPIC_EMULATOR_REQUESTS_PER_MINUTE');
const apiKey = process.env.ANTHROPIC_EMULATOR_API_KEY || DEFAULT_ANTHROPIC_EMULATOR_API_KEY;

const emulator = await startAnthropicEmulator({
  port,
  apiKeys: [apiKey],
  ...(seed !== undefined && { seed }),
  ...(requestsPerMinute !== undefined && { rateLimit: { requests: requestsPerMinute, windowMs: 60_000 } }),
});
// The key is never logged: whether it is the built-in test key is enough to know which one to use.
log.info({ url: emulator.url, apiKey: apiKey === DEFAULT_ANTHROPIC_EMULATOR_API_KEY ? 'default' : 'from ANTHROPIC_EMULATOR_API_KEY' }, 'anthropic emulator listening');

closeOnSignals(log, emulator);
