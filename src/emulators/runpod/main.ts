import { EMULATOR_API_KEY } from './runpod-emulator-options.js';
import { startRunPodEmulator } from './start-runpod-emulator.js';

const port = Number(process.env.PORT ?? 4580);
const seed = process.env.RUNPOD_EMULATOR_SEED === undefined ? undefined : Number(process.env.RUNPOD_EMULATOR_SEED);
const apiKey = process.env.RUNPOD_EMULATOR_API_KEY ?? EMULATOR_API_KEY;

const emulator = await startRunPodEmulator({ port, apiKeys: [apiKey], ...(seed === undefined ? {} : { seed }) });
// The key is the emulator's own test key, not a secret; printing it tells the operator what to export.
process.stdout.write(
  `${JSON.stringify({ level: 'info', msg: 'runpod emulator listening', url: emulator.url, graphqlUrl: emulator.graphqlUrl, apiKeyEnv: 'RUNPOD_API_KEY', apiKey })}\n`,
);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
