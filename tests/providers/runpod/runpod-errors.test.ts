import { describe, expect, it } from 'vitest';
import { PROVIDER_ERROR_CODES, ProviderError, VendorResponseError } from '../../../src/contracts/index.js';
import { NO_CAPACITY_MESSAGE } from '../../../src/emulators/runpod/runpod-emulator-state.js';
import { RUNPOD_ERROR_TABLE, type RunPodFailure, RunPodCallError, runPodError, runPodErrorRow, SpotWithdrawnError } from '../../../src/providers/runpod/runpod-errors.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { spawnOptions, startRunPodTestBed } from './runpod-test-bed.js';

/** One answer per row that the row (and no earlier one) matches. */
const EXAMPLES: readonly RunPodFailure[] = [
  { api: 'rest', status: 429, message: 'rate limit exceeded for the minute window' },
  { api: 'rest', status: 401, message: 'missing bearer token' },
  { api: 'rest', status: 403, message: 'access denied' },
  { api: 'rest', status: 402, message: 'insufficient balance' },
  { api: 'rest', status: 400, message: NO_CAPACITY_MESSAGE },
  { api: 'rest', status: 400, message: 'exactly one of gpu or cpu must be set' },
  { api: 'rest', status: 422, message: 'Request validation failed.; name: required' },
  { api: 'rest', status: 404, message: 'The requested Pod does not exist.' },
  { api: 'rest', status: 409, message: 'the interruptible pod was interrupted to free resources for another pod' },
  { api: 'rest', status: 409, message: "Action 'stop' is not valid for a pod in status EXITED." },
  { api: 'graphql', status: 401, message: 'Unauthorized' },
  { api: 'graphql', status: 403, message: 'Forbidden' },
  { api: 'graphql', status: 404, message: 'Not Found' },
  { api: 'graphql', status: 410, message: 'Gone' },
  { api: 'graphql', status: 429, message: 'Too many requests' },
  { api: 'graphql', status: 200, message: 'This machine does not have the resources to deploy your pod. Please try a different machine.' },
  { api: 'graphql', status: 200, message: 'Your bid price of $0.01/hr is below the minimum bid price of $0.29/hr for this GPU type.' },
  { api: 'graphql', status: 200, message: 'Too many requests: rate limit exceeded' },
  { api: 'graphql', status: 200, message: 'Unauthorized: the API key is invalid' },
  { api: 'graphql', status: 200, message: 'Your balance is too low to deploy this pod' },
  { api: 'graphql', status: 200, message: 'podRentInterruptable is no longer supported: interruptable (spot) pods have been discontinued.' },
  { api: 'graphql', status: 200, message: 'the interruptible pod was interrupted to free resources for another pod' },
  { api: 'graphql', status: 200, message: "GPU type 'NVIDIA Imaginary' does not exist." },
  { api: 'graphql', status: 200, message: 'Variable "$input" got invalid value {}; Field "imageName" of required type "String!" was not provided.' },
  { api: 'graphql', status: 200, message: 'Pod not found' },
];

describe('RunPod error table', () => {
  it('has one tested example per row, and each example lands on its own row', () => {
    expect(EXAMPLES).toHaveLength(RUNPOD_ERROR_TABLE.length);
    RUNPOD_ERROR_TABLE.forEach((row, index) => {
      const example = EXAMPLES[index] as RunPodFailure;
      expect(runPodErrorRow(example), `${example.api} ${example.status} ${example.message}`).toBe(row);
      const error = runPodError('createPod', example, 5_000);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(row.outcome);
      expect((error as ProviderError).retryAfterMs).toBe(row.outcome === 'RATE_LIMIT_ERROR' ? 5_000 : undefined);
    });
  });

  it('names a withdrawn spot market as such, whether the mutation is refused or gone from the schema, and never as retryable', () => {
    for (const message of [
      'Unknown type "PodRentInterruptableInput".',
      'Cannot query field "podRentInterruptable" on type "Mutation".',
      'Interruptable pods are no longer available.',
      'Spot instances have been discontinued',
    ]) {
      const error = runPodError('podRentInterruptable', { api: 'graphql', status: 200, message });
      expect(error, message).toBeInstanceOf(SpotWithdrawnError);
      expect(error).toMatchObject({ code: 'INVALID_SPEC', retryable: false });
      expect(error.message).toMatch(/RunPod no longer rents interruptible \(spot\) pods/);
    }
    expect(runPodError('podRentInterruptable', { api: 'graphql', status: 404, message: 'no such route' })).toBeInstanceOf(SpotWithdrawnError);
    expect(runPodError('podRentInterruptable', { api: 'graphql', status: 200, message: 'the interruptible pod was interrupted' })).not.toBeInstanceOf(SpotWithdrawnError);
    expect(runPodError('podRentInterruptable', { api: 'graphql', status: 200, message: 'Forbidden: permission denied for this API key' })).toMatchObject({ code: 'AUTH_ERROR' });
  });

  it('leaves anything else unknown (RunPodCallError), never a taxonomy code', () => {
    for (const failure of [
      { api: 'rest', status: 500, message: 'internal error' },
      { api: 'rest', status: 503, message: 'upstream' },
      { api: 'graphql', status: 200, message: 'Something went wrong. Please try again later.' },
      { api: 'graphql', status: 502, message: 'bad gateway' },
    ] as const) {
      expect(runPodError('createPod', failure)).toBeInstanceOf(RunPodCallError);
    }
  });
});

describe('RunPod errors end to end: each emulator rendering reaches the provider as its code', () => {
  const start = useTestBed(startRunPodTestBed);

  it.each(PROVIDER_ERROR_CODES)('REST v2 createPod answering %s', async (code) => {
    const bed = await start();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', code, ...(code === 'RATE_LIMIT_ERROR' && { retryAfterMs: 4_000 }) }] });
    const error = await bed.registration.provider.spawn(spawnOptions()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(code);
    if (code === 'RATE_LIMIT_ERROR') expect((error as ProviderError).retryAfterMs).toBe(4_000);
    expect(JSON.stringify({ message: (error as Error).message, cause: String((error as Error).cause) })).not.toContain(bed.apiKey);
  });

  it.each(PROVIDER_ERROR_CODES)('GraphQL podRentInterruptable answering %s (errors in HTTP 200 unless auth or rate limit)', async (code) => {
    const bed = await start();
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', spot: true, code }] });
    const error = await bed.registration.provider.spawn(spawnOptions({ spot: true })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe(code);
    const rent = bed.calls.find((call) => call.api === 'graphql' && call.responseText.includes('errors'));
    expect(rent?.status).toBe(code === 'AUTH_ERROR' ? 401 : code === 'RATE_LIMIT_ERROR' ? 429 : 200);
  });

  it('an unknown GraphQL error in HTTP 200 is an unknown outcome; a GraphQL answer that is not JSON is a VendorResponseError', async () => {
    const bed = await start();
    bed.intercept = (_method, path) =>
      path === '/graphql' ? new Response(JSON.stringify({ data: null, errors: [{ message: 'Something went wrong.' }] }), { status: 200 }) : null;
    expect(await bed.registration.provider.getSpotPrices().catch((caught: unknown) => caught)).toBeInstanceOf(RunPodCallError);
    bed.intercept = null;
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'spawn', spot: true, effect: 'malformed' }] });
    expect(await bed.registration.provider.spawn(spawnOptions({ spot: true })).catch((caught: unknown) => caught)).toBeInstanceOf(VendorResponseError);
  });

  it('a malformed REST answer is a VendorResponseError; a timeout is an unknown outcome', async () => {
    const bed = await start({}, { requestTimeoutMs: 300 });
    bed.emulator.chaos.replace({ seed: 1, faults: [{ operation: 'list', effect: 'malformed', times: 1 }, { operation: 'get', effect: 'timeout' }] });
    expect(await bed.registration.provider.list().catch((caught: unknown) => caught)).toBeInstanceOf(VendorResponseError);
    const hung = await bed.registration.provider.get('abc').catch((caught: unknown) => caught);
    expect(hung).toBeInstanceOf(RunPodCallError);
    expect((hung as Error).message).not.toContain(bed.apiKey);
  });
});
