import { createEmulatorLogger } from '../shared/emulator-logger.js';
import { closeOnSignals } from '../shared/emulator-process.js';
import { startEc2Emulator } from './start-ec2-emulator.js';

const log = createEmulatorLogger('ec2');

const port = Number(process.env.PORT ?? 4566);
const seed = process.env.EC2_EMULATOR_SEED === undefined ? undefined : Number(process.env.EC2_EMULATOR_SEED);

const emulator = await startEc2Emulator({ port, ...(seed === undefined ? {} : { seed }) });
log.info({ url: emulator.url }, 'ec2 emulator listening');

closeOnSignals(log, emulator);
