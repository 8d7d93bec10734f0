import { afterEach } from 'vitest';

/**
 * For a test file whose tests each start one test bed (an emulator, a provider on it): returns
 * the function that starts it, and closes whatever the test started when the test ends.
 */
export function useTestBed<TArgs extends unknown[], TBed extends { close(): Promise<void> }>(
  start: (...args: TArgs) => Promise<TBed>,
): (...args: TArgs) => Promise<TBed> {
  let bed: TBed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });
  return async (...args: TArgs) => {
    bed = await start(...args);
    return bed;
  };
}
