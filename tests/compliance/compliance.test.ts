import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CAPABILITY_FLAGS,
  type CapabilityFlag,
  OWNERSHIP_TAGS,
  type Provider,
  ProviderError,
  ProviderInstanceSchema,
  ProviderSnapshotSchema,
  ProviderVolumeSchema,
  type SpawnOptions,
  SpotPriceSchema,
  SpotRequestSchema,
  projectProvider,
  supports,
  verifyBootstrapChecksum,
  type WithCapability,
} from '../../src/contracts/index.js';
import { shellSyntaxError } from '../support/shell-syntax.js';
import { waitFor } from '../support/wait-for.js';
import type { ComplianceTarget } from './compliance-harness.js';
import { COMPLIANCE_FACTORIES } from './provider-factories.js';

const OWNER = 'compliance';
const GENERIC_INSTANCE_KEYS = Object.keys(ProviderInstanceSchema.shape).sort();
const GENERIC_SNAPSHOT_KEYS = Object.keys(ProviderSnapshotSchema.shape).sort();

/** The optional methods each gated flag unlocks. */
const GATED_METHODS: Partial<Record<CapabilityFlag, readonly string[]>> = {
  snapshots: ['createSnapshot', 'getSnapshotStatus', 'deleteSnapshot'],
  spot: ['requestSpotInstance', 'cancelSpotRequest', 'getSpotPrices'],
  persistentVolumes: ['createVolume', 'getVolume', 'listVolumes', 'deleteVolume'],
};

/** How long an aborted call may take to reject: generous, for a loaded machine; a call that ignored the abort would run on far longer or hang. */
const ABORT_BOUND_MS = 2_000;
/** How long a vendor may still act on a request that was on the wire when its caller gave up, before list shows what it made. */
const ABANDONED_CALL_SETTLE_MS = 500;

let sequence = 0;

describe.each(COMPLIANCE_FACTORIES)('provider compliance: $name', (factory) => {
  let target: ComplianceTarget;
  let provider: Provider;

  const spawnOptions = (overrides: Partial<SpawnOptions> = {}): SpawnOptions => {
    sequence += 1;
    const instanceId = `i-compliance-${sequence}-${Date.now()}`;
    return {
      instanceType: target.spawnable.instanceType,
      region: target.spawnable.region,
      zone: null,
      spot: false,
      image: target.image,
      name: `compliance-${sequence}`,
      tags: { suite: 'compliance', case: String(sequence) },
      bootstrap: provider.generateBootstrap({ instanceId, script: 'echo ready' }),
      idempotencyToken: instanceId,
      ownership: { owner: OWNER, instanceId },
      ...overrides,
    };
  };

  /** Skips the case with the provider's reason when the flag is unsupported; else the provider, narrowed. */
  const requireCapability = <TFlag extends CapabilityFlag, P extends Provider>(
    subject: P,
    flag: TFlag,
    skip: (note: string) => never,
  ): WithCapability<P, TFlag> => {
    const declared = subject.capabilities[flag];
    if (declared !== true) skip(`skipped: ${declared.unsupported}`);
    if (!supports(subject, flag)) throw new Error(`${flag} is declared but supports() says no`);
    return subject;
  };

  beforeEach(async () => {
    target = await factory.create();
    provider = target.registration.provider;
  });

  afterEach(async () => {
    await target.cleanup();
  });

  it('spawn returns the required fields, the ownership marks and the caller tags', async () => {
    const options = spawnOptions();
    const instance = await provider.spawn(options);
    expect(ProviderInstanceSchema.safeParse(instance).success).toBe(true);
    expect(provider.schemas.instance.safeParse(instance).success).toBe(true);
    expect(instance.providerId).not.toBe('');
    expect(instance.instanceType).toBe(options.instanceType);
    expect(instance.region).toBe(options.region);
    expect(['pending', 'running']).toContain(instance.status);
    expect(instance.owner).toBe(OWNER);
    expect(instance.hangarInstanceId).toBe(options.ownership.instanceId);
    expect(instance.tags).toMatchObject({ suite: 'compliance', [OWNERSHIP_TAGS.owner]: OWNER });
  });

  it('a spawn repeated with the same idempotency token returns the same machine [idempotentSpawn]', async (ctx) => {
    requireCapability(provider, 'idempotentSpawn', ctx.skip);
    const options = spawnOptions();
    const first = await provider.spawn(options);
    const second = await provider.spawn(options);
    expect(second.providerId).toBe(first.providerId);
    const owned = await provider.list({ hangarInstanceId: options.ownership.instanceId });
    expect(owned).toHaveLength(1);
  });

  it('get returns the instance, and null for an unknown id', async () => {
    const instance = await provider.spawn(spawnOptions());
    const fetched = await provider.get(instance.providerId);
    expect(fetched?.providerId).toBe(instance.providerId);
    expect(fetched?.hangarInstanceId).toBe(instance.hangarInstanceId);
    expect(await provider.get('hangar-does-not-exist-0000')).toBeNull();
  });

  it('moves a spawned machine to running', async () => {
    const instance = await provider.spawn(spawnOptions());
    const running = await waitFor('running', async () => {
      const current = await provider.get(instance.providerId);
      return current?.status === 'running' ? current : undefined;
    });
    expect(running.providerId).toBe(instance.providerId);
  });

  it('list filters by owner, instance id, tag and status', async () => {
    const a = await provider.spawn(spawnOptions({ tags: { team: 'alpha' } }));
    const b = await provider.spawn(spawnOptions({ tags: { team: 'beta' } }));
    const foreign = await provider.spawn(spawnOptions({ ownership: { owner: 'someone-else', instanceId: 'i-foreign' } }));

    const ours = (await provider.list({ owner: OWNER })).map((instance) => instance.providerId);
    expect(ours).toEqual(expect.arrayContaining([a.providerId, b.providerId]));
    expect(ours).not.toContain(foreign.providerId);

    const byId = await provider.list({ hangarInstanceId: b.hangarInstanceId ?? '' });
    expect(byId.map((instance) => instance.providerId)).toEqual([b.providerId]);

    const alpha = await provider.list({ owner: OWNER, tags: { team: 'alpha' } });
    expect(alpha.map((instance) => instance.providerId)).toEqual([a.providerId]);

    await provider.terminate(b.providerId);
    const live = await provider.list({ owner: OWNER, statuses: ['pending', 'running'] });
    expect(live.map((instance) => instance.providerId)).toContain(a.providerId);
    expect(live.map((instance) => instance.providerId)).not.toContain(b.providerId);
    for (const instance of live) expect(['pending', 'running']).toContain(instance.status);
  });

  it('terminate is idempotent: twice, and on an unknown id', async () => {
    const instance = await provider.spawn(spawnOptions());
    const first = await provider.terminate(instance.providerId);
    expect(['terminating', 'terminated']).toContain(first.status);
    const second = await provider.terminate(instance.providerId);
    expect(['terminating', 'terminated']).toContain(second.status);
    expect(await provider.terminate('hangar-never-existed-0000')).toEqual({
      providerId: 'hangar-never-existed-0000',
      status: 'terminated',
    });
    await waitFor('machine gone', async () => {
      const current = await provider.get(instance.providerId);
      return current === null || current.status === 'terminated' ? true : undefined;
    });
    expect((await provider.terminate(instance.providerId)).status).toBe('terminated');
  });

  it('an aborted call rejects promptly and leaves no machine behind', async () => {
    // (a) Aborted before the call: the spawn rejects with the signal's reason and makes nothing.
    const gaveUp = new AbortController();
    const early = new Error('compliance: the caller gave up before the call');
    gaveUp.abort(early);
    const signal = gaveUp.signal;
    const unstarted = spawnOptions();
    await expect(provider.spawn(unstarted, { signal })).rejects.toBe(early);
    expect(await provider.list({ hangarInstanceId: unstarted.ownership.instanceId })).toEqual([]);

    // (b) Every other core call rejects with it too.
    const calls: [string, () => Promise<unknown>][] = [
      ['get', () => provider.get('hangar-does-not-exist-0000', { signal })],
      ['list', () => provider.list({ owner: OWNER }, { signal })],
      ['terminate', () => provider.terminate('hangar-never-existed-0000', { signal })],
      ['instanceTypes', () => provider.instanceTypes({ signal })],
    ];
    for (const [method, call] of calls) await expect(call(), method).rejects.toBe(early);

    // (c) Aborted as soon as the call has started: it rejects promptly with the reason. The vendor may
    // already have acted; whatever it made carries the ownership marks (so reconciliation adopts or
    // collects it) and is terminated here.
    const known = new Set((await provider.list()).map((instance) => instance.providerId));
    const midway = new AbortController();
    const late = new Error('compliance: the caller gave up during the call');
    const abandoned = spawnOptions();
    const startedAt = Date.now();
    const pending = provider.spawn(abandoned, { signal: midway.signal });
    midway.abort(late);
    const outcome = await pending.then(
      (instance) => ({ instance }),
      (error: unknown) => ({ error }),
    );
    expect(Date.now() - startedAt).toBeLessThan(ABORT_BOUND_MS);
    expect(outcome).toEqual({ error: late });

    await new Promise((resolve) => setTimeout(resolve, ABANDONED_CALL_SETTLE_MS));
    const leftovers = (await provider.list()).filter((instance) => !known.has(instance.providerId) && instance.status !== 'terminated');
    for (const instance of leftovers) {
      expect(instance.owner).toBe(OWNER);
      expect(instance.hangarInstanceId).toBe(abandoned.ownership.instanceId);
      expect(instance.tags).toMatchObject({ [OWNERSHIP_TAGS.owner]: OWNER });
      expect(['terminating', 'terminated']).toContain((await provider.terminate(instance.providerId)).status);
    }
  });

  it('generateBootstrap returns content, format and a checksum that verifies', () => {
    const output = provider.generateBootstrap({
      instanceId: 'i-bootstrap',
      script: "echo 'quoted' \"double\" $HOME `tick`",
      env: { TOKEN: "it's; rm -rf /", EMPTY: '' },
    });
    expect(['shell', 'cloud-config']).toContain(output.format);
    expect(output.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyBootstrapChecksum(output)).toBe(true);
    expect(verifyBootstrapChecksum({ ...output, content: `${output.content} ` })).toBe(false);
    if (output.format === 'shell') expect(shellSyntaxError(output.content)).toBeNull();
  });

  it('through the projection, list and get never return a field beyond the generic schema', async () => {
    const projected = projectProvider(provider);
    const spawned = await projected.spawn(spawnOptions());
    expect(Object.keys(spawned).sort()).toEqual(GENERIC_INSTANCE_KEYS);
    const fetched = await projected.get(spawned.providerId);
    expect(Object.keys(fetched ?? {}).sort()).toEqual(GENERIC_INSTANCE_KEYS);
    const listed = await projected.list({ owner: OWNER });
    expect(listed.length).toBeGreaterThan(0);
    for (const instance of listed) expect(Object.keys(instance).sort()).toEqual(GENERIC_INSTANCE_KEYS);
  });

  it('an invalid spec raises INVALID_SPEC', async () => {
    const attempts: Partial<SpawnOptions>[] = [
      { instanceType: 'no-such-instance-type' },
      { region: 'no-such-region-1' },
      { zone: 'no-such-zone-1z' },
      { image: 'no-such-image:1' },
    ];
    for (const overrides of attempts) {
      const error = await provider.spawn(spawnOptions(overrides)).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(overrides)).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe('INVALID_SPEC');
      expect((error as ProviderError).retryable).toBe(false);
      expect((error as ProviderError).provider).toBe(provider.name);
    }
  });

  it('declares every capability flag, with a reason for each unsupported one', () => {
    for (const flag of CAPABILITY_FLAGS) {
      const declared = provider.capabilities[flag];
      if (declared !== true) expect(declared.unsupported.trim().length, flag).toBeGreaterThan(10);
    }
  });

  it('capability flags match behaviour: declared optional methods exist, undeclared ones are absent', () => {
    const projected = projectProvider(provider) as unknown as Record<string, unknown>;
    for (const [flag, methods] of Object.entries(GATED_METHODS)) {
      const declared = provider.capabilities[flag as CapabilityFlag] === true;
      for (const method of methods) {
        expect(typeof projected[method], `${flag}.${method}`).toBe(declared ? 'function' : 'undefined');
        if (declared) expect(typeof (provider as unknown as Record<string, unknown>)[method], method).toBe('function');
      }
    }
  });

  it('instanceTypes lists the offerings spawns are validated against', async () => {
    const offerings = await provider.instanceTypes();
    const offering = offerings.find((candidate) => candidate.name === target.spawnable.instanceType);
    expect(offering?.regions.map((region) => region.region)).toContain(target.spawnable.region);
    for (const candidate of offerings) {
      if (candidate.pricePerHour === null) expect(candidate.warnings.length).toBeGreaterThan(0);
      if (provider.capabilities.gpu !== true) expect(candidate.gpu).toBeNull();
    }
  });

  it('snapshots: create, read, delete (idempotent) [snapshots]', async (ctx) => {
    const snapshots = requireCapability(provider, 'snapshots', ctx.skip);
    const instance = await snapshots.spawn(spawnOptions());
    const snapshot = await snapshots.createSnapshot(instance.providerId, { description: 'compliance' });
    expect(ProviderSnapshotSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.providerInstanceId).toBe(instance.providerId);
    const available = await waitFor('snapshot available', async () => {
      const current = await snapshots.getSnapshotStatus(snapshot.providerSnapshotId);
      return current?.status === 'available' ? current : undefined;
    });
    expect(available.providerSnapshotId).toBe(snapshot.providerSnapshotId);
    await snapshots.deleteSnapshot(snapshot.providerSnapshotId);
    await snapshots.deleteSnapshot(snapshot.providerSnapshotId);
    await waitFor('snapshot gone', async () => {
      const current = await snapshots.getSnapshotStatus(snapshot.providerSnapshotId);
      return current === null || current.status === 'deleted' ? true : undefined;
    });
    expect(await snapshots.getSnapshotStatus('no-such-snapshot')).toBeNull();
    const error = await snapshots.createSnapshot('hangar-no-such-machine').catch((caught: unknown) => caught);
    expect((error as ProviderError).code).toBe('NOT_FOUND');
  });

  it('snapshots through the projection carry only generic fields [snapshots]', async (ctx) => {
    const projected = requireCapability(projectProvider(provider), 'snapshots', ctx.skip);
    const instance = await projected.spawn(spawnOptions());
    const snapshot = await projected.createSnapshot(instance.providerId);
    expect(Object.keys(snapshot).sort()).toEqual(GENERIC_SNAPSHOT_KEYS);
  });

  it('spot: prices, a fulfilled request, a price-too-low request, and cancel [spot]', async (ctx) => {
    const spot = requireCapability(provider, 'spot', ctx.skip);
    const prices = await spot.getSpotPrices({ instanceType: target.spawnable.instanceType });
    expect(prices.length).toBeGreaterThan(0);
    for (const price of prices) expect(SpotPriceSchema.safeParse(price).success).toBe(true);

    const request = await spot.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: null });
    expect(SpotRequestSchema.safeParse(request).success).toBe(true);
    expect(request.status).toBe('fulfilled');
    const machine = await spot.get(request.providerInstanceId ?? '');
    expect(machine?.spot).toBe(true);
    await spot.cancelSpotRequest(request.requestId);
    await spot.cancelSpotRequest(request.requestId);
    expect((await spot.get(request.providerInstanceId ?? ''))?.status).not.toBe('terminated');

    const tooLow = await spot.requestSpotInstance({ ...spawnOptions({ spot: true }), maxPricePerHour: 0.000001 });
    expect(tooLow.status).toBe('failed');
    expect(tooLow.providerInstanceId).toBeNull();
  });

  it('persistent volumes: create, attach at spawn, outlive the machine, delete (idempotent) [persistentVolumes]', async (ctx) => {
    const volumes = requireCapability(provider, 'persistentVolumes', ctx.skip);
    const volume = await volumes.createVolume({ name: `compliance-vol-${Date.now()}`, region: target.spawnable.region, zone: null, sizeGiB: 10, tags: { suite: 'compliance' } });
    expect(ProviderVolumeSchema.safeParse(volume).success).toBe(true);
    expect(volume.region).toBe(target.spawnable.region);
    expect((await volumes.listVolumes()).map((listed) => listed.providerVolumeId)).toContain(volume.providerVolumeId);
    const available = async () => {
      const current = await volumes.getVolume(volume.providerVolumeId);
      return current?.status === 'available' && current.attachedTo.length === 0 ? current : undefined;
    };
    await waitFor('volume available', available, 30_000, 50);

    const instance = await volumes.spawn(spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
    await waitFor(
      'running with the volume attached',
      async () => {
        const [machine, current] = await Promise.all([volumes.get(instance.providerId), volumes.getVolume(volume.providerVolumeId)]);
        return machine?.status === 'running' && current?.attachedTo.includes(instance.providerId) ? true : undefined;
      },
      30_000,
      50,
    );
    const refused = await volumes.deleteVolume(volume.providerVolumeId).catch((caught: unknown) => caught);
    expect((refused as ProviderError).code).toBe('INVALID_SPEC');

    await volumes.terminate(instance.providerId);
    const detached = await waitFor('volume detached and kept after the machine is gone', available, 30_000, 50);
    expect(detached.providerVolumeId).toBe(volume.providerVolumeId);
    await volumes.deleteVolume(volume.providerVolumeId);
    await volumes.deleteVolume(volume.providerVolumeId);
    await waitFor('volume gone', async () => {
      const current = await volumes.getVolume(volume.providerVolumeId);
      return current === null || current.status === 'deleted' ? true : undefined;
    });

    const unknown = await volumes.spawn(spawnOptions({ volumes: [{ providerVolumeId: 'vol-hangar-no-such-volume' }] })).catch((caught: unknown) => caught);
    expect((unknown as ProviderError).code).toBe('INVALID_SPEC');
  }, 120_000);

  it('hands the suite exactly the contract cases its factory names', () => {
    expect((target.registration.contracts ?? []).map((contractCase) => contractCase.name)).toEqual(
      factory.contractCases.map((contractCase) => contractCase.name),
    );
  });

  if (factory.contractCases.length === 0) {
    it('runs the provider’s own contract cases', (ctx) => {
      ctx.skip('skipped: the provider adds no contract cases of its own');
    });
  }

  for (const contractCase of factory.contractCases) {
    it(`provider contract case: ${contractCase.name}`, async (ctx) => {
      const missing = (contractCase.requires ?? []).filter((flag) => provider.capabilities[flag] !== true);
      if (missing.length > 0) ctx.skip(`skipped: needs ${missing.join(', ')}, which the provider does not support`);
      await contractCase.run(projectProvider(provider));
    });
  }

  it('answers both heartbeat tasks', async (ctx) => {
    const onHeartbeat = target.registration.hooks.onHeartbeat ?? ctx.skip('skipped: the provider has no heartbeat hook');
    for (const task of ['health_check', 'reconcile'] as const) {
      const result = await onHeartbeat(task);
      expect(result.task).toBe(task);
      expect(result.ok).toBe(true);
    }
  });
});
