import { DEFAULT_EMULATOR_API_KEY, DEFAULT_EMULATOR_SSH_KEY } from './lambda-labs-options.js';
import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals, envNumber } from '../shared/emulator-process.js';
import { startLambdaLabsEmulator } from './start-lambda-labs-emulator.js';

const log = createEmulatorLogger('lambda-labs');

const port = envNumber('PORT') ?? 4567;
const seed = envNumber('LAMBDA_EMULATOR_SEED');
const requestIntervalMs = envNumber('LAMBDA_EMULATOR_REQUEST_INTERVAL_MS');
const launchIntervalMs = envNumber('LAMBDA_EMULATOR_LAUNCH_INTERVAL_MS');
const bootDelayMs = envNumber('LAMBDA_EMULATOR_BOOT_DELAY_MS');
const apiKeys = (process.env.LAMBDA_EMULATOR_API_KEYS ?? DEFAULT_EMULATOR_API_KEY).split(',').filter(Boolean);

const emulator = await startLambdaLabsEmulator({
  port,
  apiKeys,
  ...(seed !== undefined && { seed }),
  ...(bootDelayMs !== undefined && { bootDelayMs }),
  rateLimits: {
    ...(requestIntervalMs !== undefined && { requestIntervalMs }),
    ...(launchIntervalMs !== undefined && { launchIntervalMs }),
  },
});
// The keys are the emulator's own test keys, never real ones, so naming how many is enough.
log.info({ url: emulator.url, apiKeys: apiKeys.length, sshKeyName: DEFAULT_EMULATOR_SSH_KEY }, 'lambda-labs emulator listening');

closeOnSignals(log, emulator);
