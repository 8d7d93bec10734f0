import { EMULATOR_API_KEY, type InterruptableRentals } from './runpod-emulator-options.js';
import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals } from '../shared/emulator-process.js';
import { startRunPodEmulator } from './start-runpod-emulator.js';

const log = createEmulatorLogger('runpod');

const port = Number(process.env.PORT ?? 4580);
const seed = process.env.RUNPOD_EMULATOR_SEED === undefined ? undefined : Number(process.env.RUNPOD_EMULATOR_SEED);
const apiKey = process.env.RUNPOD_EMULATOR_API_KEY ?? EMULATOR_API_KEY;
// `refused` or `removed`: serve RunPod as it is once interruptable (spot) rentals are withdrawn.
const rentals = process.env.RUNPOD_EMULATOR_INTERRUPTABLE;
const interruptable: InterruptableRentals | undefined = rentals === 'refused' || rentals === 'removed' || rentals === 'offered' ? rentals : undefined;
if (rentals !== undefined && interruptable === undefined) {
  process.stderr.write(`runpod emulator: RUNPOD_EMULATOR_INTERRUPTABLE must be offered, refused or removed, not "${rentals}"\n`);
  process.exit(2);
}

const emulator = await startRunPodEmulator({ port, apiKeys: [apiKey], ...(seed === undefined ? {} : { seed }), ...(interruptable && { interruptable }) });
// The key is the emulator's own test key, not a secret; printing it tells the operator what to export.
log.info({ url: emulator.url, graphqlUrl: emulator.graphqlUrl, apiKeyEnv: 'RUNPOD_API_KEY', apiKey }, 'runpod emulator listening');

closeOnSignals(log, emulator);
