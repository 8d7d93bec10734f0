import type { Provider, ProviderInstance } from '../../src/contracts/index.js';

/**
 * A machine made straight on a provider, behind the control plane's back, carrying the ownership
 * marks of `instanceId` (a phantom create, an orphan, another control plane's machine).
 */
export function spawnOwnedMachine<T extends ProviderInstance>(
  provider: Pick<Provider<T>, 'spawn' | 'generateBootstrap'>,
  instanceId: string,
  owner = 'hangar',
): Promise<T> {
  return provider.spawn({
    instanceType: 'orb.small',
    region: 'local-1',
    zone: null,
    spot: false,
    image: null,
    name: instanceId,
    tags: {},
    bootstrap: provider.generateBootstrap({ instanceId }),
    idempotencyToken: instanceId,
    ownership: { owner, instanceId },
  });
}
