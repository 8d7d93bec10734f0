import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals } from '../shared/emulator-process.js';
import { DEFAULT_OPENROUTER_EMULATOR_API_KEY } from './openrouter-emulator-options.js';
import { startOpenRouterEmulator } from './start-openrouter-emulator.js';

const log = createEmulatorLogger('openrouter');

const number = (name: string): number | undefined => {
  const value = process.env[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) {
    process.stderr.write(`openrouter emulator: ${name} must be a number, got "${value}"\n`);
    process.exit(2);
  }
  return parsed;
};

const port = number('PORT') ?? 4572;
const seed = number('OPENROUTER_EMULATOR_SEED');
const credits = number('OPENROUTER_EMULATOR_CREDITS_USD');
const apiKey = process.env.OPENROUTER_EMULATOR_API_KEY || DEFAULT_OPENROUTER_EMULATOR_API_KEY;

const emulator = await startOpenRouterEmulator({ port, apiKeys: [apiKey], ...(seed !== undefined && { seed }), ...(credits !== undefined && { creditsUsd: credits }) });
// The key is the emulator's own test key (or the one the operator chose), so it is named, not printed.
log.info({ url: emulator.url, openaiBaseUrl: `${emulator.url}/api/v1`, apiKeyEnv: 'OPENROUTER_EMULATOR_API_KEY' }, 'openrouter emulator listening');

closeOnSignals(log, emulator);
