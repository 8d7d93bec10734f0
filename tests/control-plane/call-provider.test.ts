import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderTimeoutError } from '../../src/control-plane/api-error.js';
import { callProvider } from '../../src/control-plane/call-provider.js';
import { type TestControlPlane, startTestControlPlane } from './support/test-control-plane.js';

/** A provider call that never answers unless its signal is aborted; says whether it saw the abort. */
function hangUntilAborted(seen: { aborted: boolean; reason?: unknown }) {
  return (signal: AbortSignal) =>
    new Promise<never>((_, reject) => {
      signal.addEventListener('abort', () => {
        seen.aborted = true;
        seen.reason = signal.reason;
        reject(new Error('aborted'));
      });
    });
}

describe('callProvider', () => {
  it('aborts the call at the deadline instead of abandoning it, and still rejects with ProviderTimeoutError', async () => {
    const seen: { aborted: boolean; reason?: unknown } = { aborted: false };
    const error = await callProvider('faulty', 'spawn', 50, hangUntilAborted(seen)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderTimeoutError);
    expect((error as ProviderTimeoutError).operation).toBe('spawn');
    expect(seen.aborted).toBe(true);
    expect(seen.reason).toBe(error);
  });

  it('leaves the signal alone when the call answers in time', async () => {
    let signal: AbortSignal | undefined;
    const value = await callProvider('faulty', 'get', 1_000, (given) => {
      signal = given;
      return Promise.resolve('answer');
    });
    expect(value).toBe('answer');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(signal?.aborted).toBe(false);
  });
});

describe('the control plane aborts a provider call at its deadline', () => {
  let cp: TestControlPlane;
  beforeEach(async () => {
    cp = await startTestControlPlane();
  });
  afterEach(async () => {
    await cp.close();
  });

  it('a hanging spawn gets its signal aborted; the API still answers 504 PROVIDER_TIMEOUT and keeps the intent open', async () => {
    cp.faulty.nextSpawnFault = 'hang';
    const response = await cp.call('POST', '/v1/instances', { provider: 'faulty', instanceType: 'orb.small' });
    expect(response.status).toBe(504);
    expect(response.json.error).toMatchObject({ code: 'PROVIDER_TIMEOUT', provider: 'faulty' });
    expect(cp.faulty.spawnSignals).toHaveLength(1);
    expect(cp.faulty.spawnSignals[0]?.aborted).toBe(true);
    // Unknown outcome, as before: the row stays `requested`, for reconciliation to adopt a machine that appears.
    expect((await cp.call('GET', `/v1/instances/${String(response.json.error.instanceId)}`)).json.status).toBe('requested');
  });
});
