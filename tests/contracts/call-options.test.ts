import { describe, expect, it } from 'vitest';
import { CAPABILITY_FLAGS, type CapabilityDeclaration, type Provider, projectProvider } from '../../src/contracts/index.js';

const ALL_SUPPORTED = Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, true])) as unknown as CapabilityDeclaration;

/** Each method with the arguments the projection passes, the options bag last. */
const CALLS: Record<string, unknown[]> = {
  instanceTypes: [],
  spawn: [{ instanceType: 'x' }],
  terminate: ['m-1'],
  list: [{ owner: 'o' }],
  get: ['m-1'],
  createSnapshot: ['m-1', { description: 'd' }],
  getSnapshotStatus: ['s-1'],
  deleteSnapshot: ['s-1'],
  requestSpotInstance: [{ instanceType: 'x' }],
  cancelSpotRequest: ['r-1'],
  getSpotPrices: [{ instanceType: 'x' }],
  createVolume: [{ name: 'v' }],
  getVolume: ['v-1'],
  listVolumes: [{ owner: 'o' }],
  deleteVolume: ['v-1'],
};

describe('the options bag ({signal})', () => {
  it('reaches the provider through the projection, on every method that calls the vendor', async () => {
    const seen = new Map<string, unknown[]>();
    const recorder: Record<string, unknown> = {
      name: 'recorder',
      tier: 'testing',
      capabilities: ALL_SUPPORTED,
      schemas: {},
      generateBootstrap: () => ({ content: '', format: 'shell', checksum: '' }),
    };
    for (const method of Object.keys(CALLS)) {
      recorder[method] = (...args: unknown[]) => {
        seen.set(method, args);
        return Promise.resolve(method === 'spawn' ? { tags: {}, stateReason: null } : method.startsWith('list') ? [] : null);
      };
    }
    const projected = projectProvider(recorder as unknown as Provider) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const signal = new AbortController().signal;
    for (const [method, args] of Object.entries(CALLS)) {
      await projected[method]?.(...args, { signal }).catch(() => undefined);
      expect(seen.get(method), method).toEqual([...args, { signal }]);
    }
  });
});
