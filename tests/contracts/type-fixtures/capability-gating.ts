/**
 * Compile-time proof of capability gating, checked by `tsc` (npm run typecheck) and by
 * capability-gating.test.ts. Each @ts-expect-error must stay an error, or tsc fails.
 */
import { type CapabilityDeclaration, type Provider, supports } from '../../../src/contracts/index.js';
import type { OrbStackProvider } from '../../../src/providers/orbstack/orbstack-provider.js';
import type { SnapshottingOrbStackProvider } from '../../../src/providers/orbstack/snapshotting-orbstack-provider.js';

type SpotOnly = {
  readonly snapshots: { readonly unsupported: 'no snapshots here' };
  readonly spot: true;
} & Omit<CapabilityDeclaration, 'snapshots' | 'spot'>;

declare const spotOnly: Provider<never, never, SpotOnly>;
declare const generic: Provider;
declare const orbstack: SnapshottingOrbStackProvider;
declare const orbctl: OrbStackProvider;

export async function gatedCalls(): Promise<void> {
  // A declared flag unlocks its methods without narrowing.
  await spotOnly.getSpotPrices();
  await orbstack.createSnapshot('hangar-x');
  await orbstack.requestSpotInstance({} as Parameters<typeof orbstack.requestSpotInstance>[0]);

  // @ts-expect-error snapshots are declared unsupported, so createSnapshot does not exist on this type.
  await spotOnly.createSnapshot('i-1');
  // @ts-expect-error OrbStack over orbctl declares no snapshots: only the local driver's provider has them.
  await orbctl.createSnapshot('hangar-x');
  await orbctl.getSpotPrices();
  // @ts-expect-error the wide Provider type shows no optional method until it is narrowed.
  await generic.createSnapshot('i-1');
  // @ts-expect-error spot methods are gated too.
  await generic.requestSpotInstance({});

  if (supports(generic, 'snapshots')) {
    const snapshot = await generic.createSnapshot('i-1');
    snapshot.providerSnapshotId.toUpperCase();
    // @ts-expect-error narrowing to snapshots does not unlock spot.
    await generic.getSpotPrices();
  }
  if (supports(generic, 'spot')) await generic.getSpotPrices();
}
