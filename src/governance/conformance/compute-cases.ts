import {
  CAPABILITY_FLAGS,
  type CapabilityFlag,
  OWNERSHIP_TAGS,
  PROVIDER_ERROR_TAXONOMY,
  type ProviderChaosControl,
  type ProviderContractCase,
  ProviderError,
  type ProviderErrorCode,
  type ProviderInstance,
  ProviderInstanceSchema,
  ProviderSnapshotSchema,
  ProviderVolumeSchema,
  type SpawnOptions,
  SpotPriceSchema,
  SpotRequestSchema,
  projectProvider,
  supports,
  verifyBootstrapChecksum,
} from '../../contracts/index.js';
import {
  assertContainsEntries,
  assertDeepEqual,
  assertEqual,
  assertExcludes,
  assertIncludes,
  assertInstanceOf,
  assertMatch,
  assertNotEqual,
  assertOk,
  assertRejects,
  describeValue,
} from './conformance-assert.js';
import { type ConformanceCase, kebabId } from './conformance-case.js';
import type { ComputeCaseContext } from './compute-target.js';
import { shellSyntaxError } from './shell-syntax-check.js';

export type ComputeCase = ConformanceCase<ComputeCaseContext>;

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

const ids = (instances: readonly ProviderInstance[]) => instances.map((instance) => instance.providerId);

/** The flag's narrowing, after the runner has checked `requires`: a declared flag whose methods are missing fails here. */
function narrowed<TFlag extends CapabilityFlag>(ctx: ComputeCaseContext, flag: TFlag) {
  const { provider } = ctx;
  if (!supports(provider, flag)) throw new Error(`${flag} is declared but supports() says no`);
  return provider;
}

/** A ProviderError of `code`, with the category and retryable the taxonomy gives it, from this provider. */
function assertTaxonomy(error: unknown, code: ProviderErrorCode, provider: string, what: string): asserts error is ProviderError {
  assertInstanceOf(error, ProviderError, what);
  assertEqual(error.code, code, `${what}: code`);
  assertEqual(error.category, PROVIDER_ERROR_TAXONOMY[code].category, `${what}: category`);
  assertEqual(error.retryable, PROVIDER_ERROR_TAXONOMY[code].retryable, `${what}: retryable`);
  assertEqual(error.provider, provider, `${what}: provider`);
}

/**
 * The provider's chaos control when it has one and no scenario is in force; else the case is
 * skipped, with why (the kit never replaces a scenario someone else set).
 */
function quietChaos(ctx: ComputeCaseContext): ProviderChaosControl {
  const chaos = ctx.chaos ?? ctx.skip('the registration has no chaos control (registration.chaos), so failures cannot be injected');
  const status = chaos.status();
  if (status.enabled === true || (status.scenario !== undefined && status.scenario !== null)) {
    ctx.skip('a chaos scenario is in force on the provider; the kit does not replace it');
  }
  return chaos;
}

/** Puts a scenario of spawn faults in force; a control that refuses a valid scenario fails the case. */
function injectSpawnFaults(chaos: ProviderChaosControl, faults: readonly Record<string, unknown>[]): void {
  const result = chaos.replace({ seed: 1, description: 'conformance kit: injected spawn failures', faults: faults.map((fault) => ({ operation: 'spawn', ...fault })) });
  if (!result.ok) throw new Error(`the chaos control refused the kit's scenario: ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
}

/** No live machine carries any of these spawns' instance ids (one list of the owner's machines). */
async function assertNoMachineFor(ctx: ComputeCaseContext, spawns: readonly SpawnOptions[], what: string): Promise<void> {
  const instanceIds = new Set(spawns.map((options) => options.ownership.instanceId));
  const made = (await ctx.provider.list({ owner: ctx.subject.owner })).filter((instance) => instance.status !== 'terminated' && instanceIds.has(instance.hangarInstanceId ?? ''));
  assertDeepEqual(ids(made), [], `machines made by ${what}`);
}

/** The compute cases every provider runs, in report order (the provider's own contract cases go before `heartbeats`). */
const CORE_CASES: readonly ComputeCase[] = [
  {
    id: 'spawn-fields',
    title: 'spawn returns the required fields, the ownership marks and the caller tags',
    async run(ctx) {
      const { provider } = ctx;
      const options = ctx.spawnOptions();
      const instance = await provider.spawn(options);
      assertOk(ProviderInstanceSchema.safeParse(instance).success, `the instance does not match the generic schema: ${describeValue(instance)}`);
      assertOk(provider.schemas.instance.safeParse(instance).success, `the instance does not match the provider's own schema: ${describeValue(instance)}`);
      assertNotEqual(instance.providerId, '', 'providerId');
      assertEqual(instance.instanceType, options.instanceType, 'instanceType');
      assertEqual(instance.region, options.region, 'region');
      assertIncludes(['pending', 'running'], instance.status, 'status');
      assertEqual(instance.owner, ctx.subject.owner, 'owner');
      assertEqual(instance.hangarInstanceId, options.ownership.instanceId, 'hangarInstanceId');
      assertContainsEntries(instance.tags, { suite: 'conformance', [OWNERSHIP_TAGS.owner]: ctx.subject.owner }, 'tags');
    },
  },
  {
    id: 'idempotent-spawn',
    title: 'a spawn repeated with the same idempotency token returns the same machine [idempotentSpawn]',
    requires: ['idempotentSpawn'],
    async run(ctx) {
      const { provider } = ctx;
      const options = ctx.spawnOptions();
      const first = await provider.spawn(options);
      const second = await provider.spawn(options);
      assertEqual(second.providerId, first.providerId, 'the repeated spawn’s providerId');
      const owned = await provider.list({ hangarInstanceId: options.ownership.instanceId });
      assertEqual(owned.length, 1, 'machines carrying the instance id');
    },
  },
  {
    id: 'get-known-and-unknown',
    title: 'get returns the instance, and null for an unknown id',
    async run(ctx) {
      const { provider } = ctx;
      const instance = await provider.spawn(ctx.spawnOptions());
      const fetched = await provider.get(instance.providerId);
      assertEqual(fetched?.providerId, instance.providerId, 'get(spawned).providerId');
      assertEqual(fetched?.hangarInstanceId, instance.hangarInstanceId, 'get(spawned).hangarInstanceId');
      assertEqual(await provider.get('hangar-does-not-exist-0000'), null, 'get(unknown id)');
    },
  },
  {
    id: 'reaches-running',
    title: 'moves a spawned machine to running',
    async run(ctx) {
      const { provider } = ctx;
      const instance = await provider.spawn(ctx.spawnOptions());
      const running = await ctx.waitFor('running', async () => {
        const current = await provider.get(instance.providerId);
        return current?.status === 'running' ? current : undefined;
      });
      assertEqual(running.providerId, instance.providerId, 'the running machine');
    },
  },
  {
    id: 'list-filters',
    title: 'list filters by owner, instance id, tag and status',
    async run(ctx) {
      const { provider, subject } = ctx;
      const a = await provider.spawn(ctx.spawnOptions({ tags: { team: 'alpha' } }));
      const b = await provider.spawn(ctx.spawnOptions({ tags: { team: 'beta' } }));
      const foreign = await provider.spawn(ctx.spawnOptions({ ownership: { owner: subject.foreignOwner, instanceId: `i-foreign-${Date.now()}` } }));

      const ours = ids(await provider.list({ owner: subject.owner }));
      assertIncludes(ours, a.providerId, 'list({owner})');
      assertIncludes(ours, b.providerId, 'list({owner})');
      assertExcludes(ours, foreign.providerId, 'list({owner})');

      const byId = await provider.list({ hangarInstanceId: b.hangarInstanceId ?? '' });
      assertDeepEqual(ids(byId), [b.providerId], 'list({hangarInstanceId})');

      const alpha = await provider.list({ owner: subject.owner, tags: { team: 'alpha' } });
      assertDeepEqual(ids(alpha), [a.providerId], 'list({owner, tags})');

      await provider.terminate(b.providerId);
      const live = await provider.list({ owner: subject.owner, statuses: ['pending', 'running'] });
      assertIncludes(ids(live), a.providerId, 'list({owner, statuses: [pending, running]})');
      assertExcludes(ids(live), b.providerId, 'list({owner, statuses: [pending, running]}) after terminate');
      for (const instance of live) assertIncludes(['pending', 'running'], instance.status, `status of ${instance.providerId}`);
    },
  },
  {
    id: 'terminate-idempotent',
    title: 'terminate is idempotent: twice, and on an unknown id',
    async run(ctx) {
      const { provider } = ctx;
      const instance = await provider.spawn(ctx.spawnOptions());
      const first = await provider.terminate(instance.providerId);
      assertIncludes(['terminating', 'terminated'], first.status, 'first terminate');
      const second = await provider.terminate(instance.providerId);
      assertIncludes(['terminating', 'terminated'], second.status, 'second terminate');
      assertDeepEqual(await provider.terminate('hangar-never-existed-0000'), { providerId: 'hangar-never-existed-0000', status: 'terminated' }, 'terminate(unknown id)');
      await ctx.waitFor('machine gone', async () => {
        const current = await provider.get(instance.providerId);
        return current === null || current.status === 'terminated' ? true : undefined;
      });
      assertEqual((await provider.terminate(instance.providerId)).status, 'terminated', 'terminate of a machine that is gone');
    },
  },
  {
    id: 'repeated-terminate-no-side-effect',
    title: 'a repeated terminate succeeds and has no second effect: no machine comes back, none is made',
    async run(ctx) {
      const { provider, subject } = ctx;
      const options = ctx.spawnOptions();
      const instance = await provider.spawn(options);
      const first = await provider.terminate(instance.providerId);
      assertIncludes(['terminating', 'terminated'], first.status, 'first terminate');
      // One list of the owner's machines before and after: the repeated terminate brings none back and makes none.
      const owned = async () => (await provider.list({ owner: subject.owner })).filter((machine) => machine.status !== 'terminated');
      const carrying = (machines: readonly ProviderInstance[]) => ids(machines.filter((machine) => machine.hangarInstanceId === options.ownership.instanceId));
      const before = await owned();
      const second = await provider.terminate(instance.providerId);
      assertIncludes(['terminating', 'terminated'], second.status, 'repeated terminate');
      const after = await owned();
      assertOk(carrying(after).length <= carrying(before).length, `machines carrying the instance id: ${describeValue(carrying(before))} before the repeated terminate, ${describeValue(carrying(after))} after`);
      for (const id of ids(after)) assertIncludes(ids(before), id, 'a live machine of the owner that was not there before the repeated terminate');
      const current = await provider.get(instance.providerId);
      assertOk(current === null || ['stopping', 'terminating', 'terminated'].includes(current.status), `the terminated machine came back: ${describeValue(current)}`);
    },
  },
  {
    id: 'abort-prompt-no-leak',
    title: 'an aborted call rejects promptly and leaves no machine behind',
    async run(ctx) {
      const { provider, subject } = ctx;
      // (a) Aborted before the call: the spawn rejects with the signal's reason and makes nothing.
      const gaveUp = new AbortController();
      const early = new Error('conformance: the caller gave up before the call');
      gaveUp.abort(early);
      const signal = gaveUp.signal;
      const unstarted = ctx.spawnOptions();
      assertEqual(await assertRejects(() => provider.spawn(unstarted, { signal }), 'spawn with an aborted signal'), early, 'spawn with an aborted signal rejects with');
      assertDeepEqual(await provider.list({ hangarInstanceId: unstarted.ownership.instanceId }), [], 'machines of the aborted spawn');

      // (b) Every other core call rejects with it too.
      const calls: [string, () => Promise<unknown>][] = [
        ['get', () => provider.get('hangar-does-not-exist-0000', { signal })],
        ['list', () => provider.list({ owner: subject.owner }, { signal })],
        ['terminate', () => provider.terminate('hangar-never-existed-0000', { signal })],
        ['instanceTypes', () => provider.instanceTypes({ signal })],
      ];
      for (const [method, call] of calls) assertEqual(await assertRejects(call, `${method} with an aborted signal`), early, `${method} with an aborted signal rejects with`);

      // (c) Aborted as soon as the call has started: it rejects promptly with the reason. The vendor may
      // already have acted; whatever it made carries the ownership marks (so reconciliation adopts or
      // collects it) and is terminated here.
      const ours = (instance: ProviderInstance) =>
        !subject.sharedAccount || instance.owner === null || instance.owner === subject.owner || instance.hangarInstanceId === abandoned.ownership.instanceId;
      const known = new Set(ids(await provider.list()));
      const midway = new AbortController();
      const late = new Error('conformance: the caller gave up during the call');
      const abandoned = ctx.spawnOptions();
      const startedAt = Date.now();
      const pending = provider.spawn(abandoned, { signal: midway.signal });
      midway.abort(late);
      const outcome = await pending.then(
        (instance) => ({ instance }),
        (error: unknown) => ({ error }),
      );
      const took = Date.now() - startedAt;
      assertOk(took < ABORT_BOUND_MS, `the aborted spawn took ${took} ms to reject (bound ${ABORT_BOUND_MS} ms)`);
      assertOk('error' in outcome && outcome.error === late, `the spawn aborted mid-call: expected a rejection with the signal's reason, got ${describeValue(outcome)}`);

      await new Promise((resolve) => setTimeout(resolve, ABANDONED_CALL_SETTLE_MS));
      const leftovers = (await provider.list()).filter((instance) => !known.has(instance.providerId) && instance.status !== 'terminated' && ours(instance));
      for (const instance of leftovers) {
        assertEqual(instance.owner, subject.owner, `owner of ${instance.providerId}, made by the abandoned spawn`);
        assertEqual(instance.hangarInstanceId, abandoned.ownership.instanceId, `hangarInstanceId of ${instance.providerId}`);
        assertContainsEntries(instance.tags, { [OWNERSHIP_TAGS.owner]: subject.owner }, `tags of ${instance.providerId}`);
        assertIncludes(['terminating', 'terminated'], (await provider.terminate(instance.providerId)).status, `terminate of ${instance.providerId}`);
      }
    },
  },
  {
    id: 'bootstrap-checksum',
    title: 'generateBootstrap returns content, format and a checksum that verifies',
    async run(ctx) {
      const output = ctx.provider.generateBootstrap({
        instanceId: 'i-bootstrap',
        script: "echo 'quoted' \"double\" $HOME `tick`",
        env: { TOKEN: "it's; rm -rf /", EMPTY: '' },
      });
      assertIncludes(['shell', 'cloud-config'], output.format, 'format');
      assertMatch(output.checksum, /^[0-9a-f]{64}$/, 'checksum');
      assertOk(verifyBootstrapChecksum(output), 'the checksum does not verify the content');
      assertOk(!verifyBootstrapChecksum({ ...output, content: `${output.content} ` }), 'the checksum verifies changed content');
      if (output.format === 'shell') {
        const syntax = shellSyntaxError(output.content);
        if (syntax !== 'unavailable') assertEqual(syntax, null, 'bash -n on the shell bootstrap');
      }
    },
  },
  {
    id: 'projection-generic-fields',
    title: 'through the projection, list and get never return a field beyond the generic schema',
    async run(ctx) {
      const projected = projectProvider(ctx.provider);
      const spawned = await projected.spawn(ctx.spawnOptions());
      assertDeepEqual(Object.keys(spawned).sort(), GENERIC_INSTANCE_KEYS, 'spawn’s fields');
      const fetched = await projected.get(spawned.providerId);
      assertDeepEqual(Object.keys(fetched ?? {}).sort(), GENERIC_INSTANCE_KEYS, 'get’s fields');
      const listed = await projected.list({ owner: ctx.subject.owner });
      assertOk(listed.length > 0, 'list({owner}) is empty after a spawn');
      for (const instance of listed) assertDeepEqual(Object.keys(instance).sort(), GENERIC_INSTANCE_KEYS, `list’s fields of ${instance.providerId}`);
    },
  },
  {
    id: 'invalid-spec',
    title: 'an invalid spec raises INVALID_SPEC',
    async run(ctx) {
      const attempts: Partial<SpawnOptions>[] = [
        { instanceType: 'no-such-instance-type' },
        { region: 'no-such-region-1' },
        { zone: 'no-such-zone-1z' },
        { image: 'no-such-image:1' },
      ];
      for (const overrides of attempts) {
        const what = `spawn ${JSON.stringify(overrides)}`;
        const error = await assertRejects(() => ctx.provider.spawn(ctx.spawnOptions(overrides)), what);
        assertInstanceOf(error, ProviderError, what);
        assertEqual(error.code, 'INVALID_SPEC', `${what}: code`);
        assertEqual(error.retryable, false, `${what}: retryable`);
        assertEqual(error.provider, ctx.provider.name, `${what}: provider`);
      }
    },
  },
  {
    id: 'error-taxonomy-transient',
    title: 'a transient failure is retryable: CAPACITY_ERROR, RATE_LIMIT_ERROR (with Retry-After) and SPOT_INTERRUPTED, injected through the chaos control',
    async run(ctx) {
      const chaos = quietChaos(ctx);
      try {
        const transient: [ProviderErrorCode, Record<string, unknown>][] = [
          ['CAPACITY_ERROR', {}],
          ['RATE_LIMIT_ERROR', { retryAfterMs: 1_500 }],
          ['SPOT_INTERRUPTED', {}],
        ];
        const failed: SpawnOptions[] = [];
        for (const [code, extra] of transient) {
          injectSpawnFaults(chaos, [{ code, times: 1, ...extra }]);
          const options = ctx.spawnOptions();
          failed.push(options);
          const error = await assertRejects(() => ctx.provider.spawn(options), `spawn under an injected ${code}`);
          assertTaxonomy(error, code, ctx.provider.name, `spawn under an injected ${code}`);
          if (extra.retryAfterMs !== undefined) assertEqual(error.retryAfterMs, extra.retryAfterMs, `${code}: retryAfterMs`);
        }
        chaos.clear();
        await assertNoMachineFor(ctx, failed, 'spawns that failed transiently');
      } finally {
        chaos.clear();
      }
    },
  },
  {
    id: 'error-taxonomy-permanent',
    title: 'a permanent failure is not retryable: INVALID_SPEC for an unknown instance type, and AUTH_ERROR and QUOTA_EXCEEDED through the chaos control when there is one',
    async run(ctx) {
      const unknownType = ctx.spawnOptions({ instanceType: 'no-such-instance-type' });
      const refused = await assertRejects(() => ctx.provider.spawn(unknownType), 'spawn of an unknown instance type');
      assertTaxonomy(refused, 'INVALID_SPEC', ctx.provider.name, 'spawn of an unknown instance type');
      const status = ctx.chaos?.status();
      const chaos = status !== undefined && status.enabled !== true && (status.scenario ?? null) === null ? ctx.chaos : null;
      if (chaos === null) return;
      try {
        const failed: SpawnOptions[] = [];
        for (const code of ['AUTH_ERROR', 'QUOTA_EXCEEDED'] as const) {
          injectSpawnFaults(chaos, [{ code, times: 1 }]);
          const options = ctx.spawnOptions();
          failed.push(options);
          const error = await assertRejects(() => ctx.provider.spawn(options), `spawn under an injected ${code}`);
          assertTaxonomy(error, code, ctx.provider.name, `spawn under an injected ${code}`);
        }
        chaos.clear();
        await assertNoMachineFor(ctx, failed, 'spawns that failed permanently');
      } finally {
        chaos.clear();
      }
    },
  },
  {
    id: 'retry-capped-jittered',
    title: 'the caller’s capped, jittered retry: two transient failures then one machine; never more tries than the cap; a permanent failure is not retried',
    async run(ctx) {
      const chaos = quietChaos(ctx);
      const raw = ctx.subject.provider;
      try {
        // Fails transiently twice, then succeeds: three tries, one machine.
        injectSpawnFaults(chaos, [{ code: 'CAPACITY_ERROR', times: 2 }]);
        const options = ctx.spawnOptions();
        const recovered = await ctx.retry('spawn', () => raw.spawn(options));
        assertOk(recovered.ok, `the retried spawn failed: ${describeValue(recovered.ok ? null : recovered.error)}`);
        assertEqual(recovered.attempts, 3, 'tries of a spawn that failed transiently twice');
        assertEqual(recovered.delays.length, 2, 'waits between those tries');
        chaos.clear();
        const made = await ctx.provider.list({ hangarInstanceId: options.ownership.instanceId });
        assertEqual(made.length, 1, 'machines made by the retried spawn');

        // Fails transiently every time: the cap of tries, then the last failure, and no machine.
        injectSpawnFaults(chaos, [{ code: 'CAPACITY_ERROR' }]);
        const doomed = ctx.spawnOptions();
        const exhausted = await ctx.retry('spawn', () => raw.spawn(doomed));
        assertOk(!exhausted.ok, 'a spawn that always fails transiently succeeded');
        assertEqual(exhausted.attempts, 3, 'tries of a spawn that always fails transiently (the cap)');
        assertTaxonomy(exhausted.error, 'CAPACITY_ERROR', ctx.provider.name, 'the last failure');
        chaos.clear();
        await assertNoMachineFor(ctx, [doomed], 'a spawn that always failed');

        // A permanent failure ends the retry at the first try.
        const refused = await ctx.retry('spawn', () => raw.spawn(ctx.spawnOptions({ instanceType: 'no-such-instance-type' })));
        assertOk(!refused.ok, 'a spawn of an unknown instance type succeeded');
        assertEqual(refused.attempts, 1, 'tries of a spawn that failed permanently');
      } finally {
        chaos.clear();
      }
    },
  },
  {
    id: 'bounded-time',
    title: 'every core operation answers within the per-call deadline',
    async run(ctx) {
      // Each call goes through the kit's meter, which fails it past the deadline (ctx.deadlineMs).
      const { provider } = ctx;
      const offerings = await provider.instanceTypes();
      assertOk(offerings.length > 0, 'instanceTypes answered no offering');
      const instance = await provider.spawn(ctx.spawnOptions());
      assertEqual((await provider.get(instance.providerId))?.providerId, instance.providerId, 'get(spawned).providerId');
      assertIncludes(ids(await provider.list({ owner: ctx.subject.owner })), instance.providerId, 'list({owner})');
      assertIncludes(['terminating', 'terminated'], (await provider.terminate(instance.providerId)).status, 'terminate');
    },
  },
  {
    id: 'capability-reasons',
    title: 'declares every capability flag, with a reason for each unsupported one',
    async run(ctx) {
      for (const flag of CAPABILITY_FLAGS) {
        const declared = ctx.provider.capabilities[flag];
        assertOk(declared !== undefined, `${flag} is not declared`);
        if (declared !== true) assertOk(declared.unsupported.trim().length > 10, `${flag}: the reason "${declared.unsupported}" says too little`);
      }
    },
  },
  {
    id: 'capability-methods',
    title: 'capability flags match behaviour: declared optional methods exist, undeclared ones are absent',
    async run(ctx) {
      const projected = projectProvider(ctx.provider) as unknown as Record<string, unknown>;
      const own = ctx.provider as unknown as Record<string, unknown>;
      for (const [flag, methods] of Object.entries(GATED_METHODS)) {
        const declared = ctx.provider.capabilities[flag as CapabilityFlag] === true;
        for (const method of methods) {
          assertEqual(typeof projected[method], declared ? 'function' : 'undefined', `${flag}.${method} through the projection`);
          if (declared) assertEqual(typeof own[method], 'function', method);
        }
      }
    },
  },
  {
    id: 'instance-types',
    title: 'instanceTypes lists the offerings spawns are validated against',
    async run(ctx) {
      const offerings = await ctx.provider.instanceTypes();
      const offering = offerings.find((candidate) => candidate.name === ctx.subject.spawnable.instanceType);
      assertIncludes(offering?.regions.map((region) => region.region) ?? [], ctx.subject.spawnable.region, `regions of ${ctx.subject.spawnable.instanceType}`);
      for (const candidate of offerings) {
        if (candidate.pricePerHour === null) assertOk(candidate.warnings.length > 0, `${candidate.name} has no price and no warning saying so`);
        if (ctx.provider.capabilities.gpu !== true) assertEqual(candidate.gpu, null, `${candidate.name}.gpu of a provider without GPUs`);
      }
    },
  },
  {
    id: 'snapshots',
    title: 'snapshots: create, read, delete (idempotent) [snapshots]',
    requires: ['snapshots'],
    async run(ctx) {
      const snapshots = narrowed(ctx, 'snapshots');
      const instance = await snapshots.spawn(ctx.spawnOptions());
      const snapshot = await snapshots.createSnapshot(instance.providerId, { description: 'conformance' });
      assertOk(ProviderSnapshotSchema.safeParse(snapshot).success, `the snapshot does not match the generic schema: ${describeValue(snapshot)}`);
      assertEqual(snapshot.providerInstanceId, instance.providerId, 'providerInstanceId');
      const available = await ctx.waitFor('snapshot available', async () => {
        const current = await snapshots.getSnapshotStatus(snapshot.providerSnapshotId);
        return current?.status === 'available' ? current : undefined;
      });
      assertEqual(available.providerSnapshotId, snapshot.providerSnapshotId, 'the available snapshot');
      await snapshots.deleteSnapshot(snapshot.providerSnapshotId);
      await snapshots.deleteSnapshot(snapshot.providerSnapshotId);
      await ctx.waitFor('snapshot gone', async () => {
        const current = await snapshots.getSnapshotStatus(snapshot.providerSnapshotId);
        return current === null || current.status === 'deleted' ? true : undefined;
      });
      assertEqual(await snapshots.getSnapshotStatus('no-such-snapshot'), null, 'getSnapshotStatus(unknown id)');
      const error = await assertRejects(() => snapshots.createSnapshot('hangar-no-such-machine'), 'createSnapshot of an unknown machine');
      assertEqual((error as ProviderError).code, 'NOT_FOUND', 'createSnapshot of an unknown machine: code');
    },
  },
  {
    id: 'snapshots-projection',
    title: 'snapshots through the projection carry only generic fields [snapshots]',
    requires: ['snapshots'],
    async run(ctx) {
      const projected = projectProvider(narrowed(ctx, 'snapshots'));
      if (!supports(projected, 'snapshots')) throw new Error('the projection dropped the snapshot methods');
      const instance = await projected.spawn(ctx.spawnOptions());
      const snapshot = await projected.createSnapshot(instance.providerId);
      assertDeepEqual(Object.keys(snapshot).sort(), GENERIC_SNAPSHOT_KEYS, 'the snapshot’s fields');
    },
  },
  {
    id: 'spot',
    title: 'spot: prices, a fulfilled request, a price-too-low request, and cancel [spot]',
    requires: ['spot'],
    async run(ctx) {
      const spot = narrowed(ctx, 'spot');
      const prices = await spot.getSpotPrices({ instanceType: ctx.subject.spawnable.instanceType });
      assertOk(prices.length > 0, `no spot price for ${ctx.subject.spawnable.instanceType}`);
      for (const price of prices) assertOk(SpotPriceSchema.safeParse(price).success, `a spot price does not match the schema: ${describeValue(price)}`);

      const request = await spot.requestSpotInstance({ ...ctx.spawnOptions({ spot: true }), maxPricePerHour: null });
      assertOk(SpotRequestSchema.safeParse(request).success, `the spot request does not match the schema: ${describeValue(request)}`);
      assertEqual(request.status, 'fulfilled', 'spot request status');
      const machine = await spot.get(request.providerInstanceId ?? '');
      assertEqual(machine?.spot, true, 'the spot machine’s spot');
      await spot.cancelSpotRequest(request.requestId);
      await spot.cancelSpotRequest(request.requestId);
      assertNotEqual((await spot.get(request.providerInstanceId ?? ''))?.status, 'terminated', 'the machine of a cancelled request');

      const tooLow = await spot.requestSpotInstance({ ...ctx.spawnOptions({ spot: true }), maxPricePerHour: 0.000001 });
      assertEqual(tooLow.status, 'failed', 'a request under the market price');
      assertEqual(tooLow.providerInstanceId, null, 'the machine of a request under the market price');
    },
  },
  {
    id: 'persistent-volumes',
    title: 'persistent volumes: create, attach at spawn, outlive the machine, delete (idempotent) [persistentVolumes]',
    requires: ['persistentVolumes'],
    timeoutMs: 120_000,
    async run(ctx) {
      const volumes = narrowed(ctx, 'persistentVolumes');
      const { region } = ctx.subject.spawnable;
      const volume = await volumes.createVolume({ name: `conformance-vol-${Date.now()}`, region, zone: null, sizeGiB: 10, tags: { suite: 'conformance' } });
      assertOk(ProviderVolumeSchema.safeParse(volume).success, `the volume does not match the schema: ${describeValue(volume)}`);
      assertEqual(volume.region, region, 'the volume’s region');
      assertIncludes((await volumes.listVolumes()).map((listed) => listed.providerVolumeId), volume.providerVolumeId, 'listVolumes');
      const available = async () => {
        const current = await volumes.getVolume(volume.providerVolumeId);
        return current?.status === 'available' && current.attachedTo.length === 0 ? current : undefined;
      };
      await ctx.waitFor('volume available', available, 30_000, 50);

      const instance = await volumes.spawn(ctx.spawnOptions({ volumes: [{ providerVolumeId: volume.providerVolumeId }] }));
      await ctx.waitFor(
        'running with the volume attached',
        async () => {
          const [machine, current] = await Promise.all([volumes.get(instance.providerId), volumes.getVolume(volume.providerVolumeId)]);
          return machine?.status === 'running' && current?.attachedTo.includes(instance.providerId) ? true : undefined;
        },
        30_000,
        50,
      );
      const refused = await assertRejects(() => volumes.deleteVolume(volume.providerVolumeId), 'deleteVolume of an attached volume');
      assertEqual((refused as ProviderError).code, 'INVALID_SPEC', 'deleteVolume of an attached volume: code');

      await volumes.terminate(instance.providerId);
      const detached = await ctx.waitFor('volume detached and kept after the machine is gone', available, 30_000, 50);
      assertEqual(detached.providerVolumeId, volume.providerVolumeId, 'the kept volume');
      await volumes.deleteVolume(volume.providerVolumeId);
      await volumes.deleteVolume(volume.providerVolumeId);
      await ctx.waitFor('volume gone', async () => {
        const current = await volumes.getVolume(volume.providerVolumeId);
        return current === null || current.status === 'deleted' ? true : undefined;
      });

      const unknown = await assertRejects(() => volumes.spawn(ctx.spawnOptions({ volumes: [{ providerVolumeId: 'vol-hangar-no-such-volume' }] })), 'spawn with an unknown volume');
      assertEqual((unknown as ProviderError).code, 'INVALID_SPEC', 'spawn with an unknown volume: code');
    },
  },
  {
    id: 'contract-cases-declared',
    title: 'hands the suite exactly the contract cases its target names',
    async run(ctx) {
      assertDeepEqual(
        ctx.subject.contracts.map((contractCase) => contractCase.name),
        [...ctx.declaredContracts],
        'the registration’s contract cases',
      );
    },
  },
];

const HEARTBEATS: ComputeCase = {
  id: 'heartbeats',
  title: 'answers both heartbeat tasks',
  async run(ctx) {
    const onHeartbeat = ctx.hooks.onHeartbeat ?? ctx.skip('the provider has no heartbeat hook');
    for (const task of ['health_check', 'reconcile'] as const) {
      const result = await onHeartbeat(task);
      assertEqual(result.task, task, `${task}: task`);
      assertOk(result.ok, `${task} answered not ok: ${result.message ?? ''}`);
    }
  },
};

const NO_CONTRACT_CASES: ComputeCase = {
  id: 'contract-cases',
  title: 'runs the provider’s own contract cases',
  async run(ctx) {
    ctx.skip('the provider adds no contract cases of its own');
  },
};

/** A provider's own contract case, as a case of the list: run on the projected provider, skipped without its flags. */
export function contractCase(contract: ProviderContractCase): ComputeCase {
  return {
    id: `contract-${kebabId(contract.name)}`,
    title: `provider contract case: ${contract.name}`,
    ...(contract.requires !== undefined && { requires: contract.requires }),
    run: (ctx) => contract.run(projectProvider(ctx.provider)),
  };
}

/**
 * The one list of compute cases, the provider's own contract cases included: what vitest runs per
 * factory and what `POST /providers/conformance/run` runs per enabled provider.
 */
export function computeCaseList(contracts: readonly ProviderContractCase[] = []): ComputeCase[] {
  const own = contracts.length === 0 ? [NO_CONTRACT_CASES] : contracts.map(contractCase);
  return [...CORE_CASES, ...own, HEARTBEATS];
}

/** The ids of the compute cases every provider runs (its contract cases aside), in list order. */
export const COMPUTE_CASE_IDS: readonly string[] = computeCaseList().map((computeCase) => computeCase.id);
