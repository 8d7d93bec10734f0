import { startEc2Emulator } from './start-ec2-emulator.js';

const port = Number(process.env.PORT ?? 4566);
const seed = process.env.EC2_EMULATOR_SEED === undefined ? undefined : Number(process.env.EC2_EMULATOR_SEED);

const emulator = await startEc2Emulator({ port, ...(seed === undefined ? {} : { seed }) });
process.stdout.write(`${JSON.stringify({ level: 'info', msg: 'ec2 emulator listening', url: emulator.url })}\n`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
