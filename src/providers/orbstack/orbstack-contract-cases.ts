import { strict as assert } from 'node:assert';
import { type ProviderContractCase, bootstrapOutput } from '../../contracts/index.js';
import { MACHINE_NAME_PREFIX } from './orbstack-provider.js';

/** OrbStack's own additions to the compliance suite: what its ownership and idempotency rest on. */
export const ORBSTACK_CONTRACT_CASES: readonly ProviderContractCase[] = [
  {
    name: 'machine names carry the hangar- prefix and differ per idempotency token',
    requires: ['idempotentSpawn'],
    async run(provider) {
      const spawn = (token: string) =>
        provider.spawn({
          instanceType: 'orb.nano',
          region: 'local-1',
          zone: null,
          spot: false,
          image: null,
          name: token,
          tags: {},
          bootstrap: bootstrapOutput('#!/bin/sh\n', 'shell'),
          idempotencyToken: token,
          ownership: { owner: 'contract', instanceId: token },
        });
      const first = await spawn('contract-token-a');
      const second = await spawn('contract-token-b');
      assert.ok(first.providerId.startsWith(MACHINE_NAME_PREFIX), first.providerId);
      assert.notEqual(first.providerId, second.providerId);
      assert.equal((await spawn('contract-token-a')).providerId, first.providerId);
    },
  },
];
