import { pino, type Logger } from 'pino';

/**
 * An emulator's log: JSON lines on stdout in the control plane's shape (`level` as a name, ISO `time`,
 * the message under `msg`), each with the emulator's name. `LOG_LEVEL` sets the level (default info).
 */
export function createEmulatorLogger(emulator: string): Logger {
  return pino(
    {
      level: process.env.LOG_LEVEL || 'info',
      base: { emulator },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: 1, sync: true }),
  );
}
