import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProviderError, type SkippedEntry, VendorResponseError } from '../../../src/contracts/index.js';
import { EMULATED_INSTANCE_TYPES } from '../../../src/emulators/lambda-labs/lambda-labs-catalog.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { LAUNCH_PATH, type LambdaLabsTestBed, openLambdaLabsBed } from './lambda-labs-test-bed.js';

const open = useTestBed(openLambdaLabsBed);

const skipped = (bed: LambdaLabsTestBed): SkippedEntry[] => {
  const log = bed.registration.skippedEntries;
  if (log === undefined) throw new Error('the registration hands no skipped-entry log to the control plane');
  return log.report().entries;
};

const caught = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => null, (error: unknown) => error);

/** Lambda's own recorded instance-types answer (vendor-specs/lambda/examples, see SOURCES.md). */
const RECORDED_CATALOG = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'vendor-specs', 'lambda', 'examples', 'm_instance_types_response.json'), 'utf8')) as {
    data: Record<string, unknown>;
  }
).data;

describe('one entry Lambda answers that Hangar cannot read never fails the catalog, a spawn or a health check', () => {
  it('skips a type with an unparseable GPU description and one with a null field, names them in the log, and answers the rest', async () => {
    const bed = await open({
      emulator: {
        entryPatches: {
          instanceTypes: {
            gpu_1x_a100_sxm4: { instance_type: { gpu_description: 'Mystery accelerator' } },
            gpu_8x_a100: { instance_type: { specs: { gpus: null } } },
          },
        },
      },
    });
    const names = (await bed.provider.instanceTypes()).map((offering) => offering.name);
    expect(names).toEqual(
      EMULATED_INSTANCE_TYPES.map((type) => type.name)
        .filter((name) => name !== 'gpu_1x_a100_sxm4' && name !== 'gpu_8x_a100')
        .sort(),
    );
    const entries = skipped(bed);
    expect(entries.map((entry) => [entry.kind, entry.id]).sort()).toEqual([
      ['instance-type', 'gpu_1x_a100_sxm4'],
      ['instance-type', 'gpu_8x_a100'],
    ]);
    expect(entries.find((entry) => entry.id === 'gpu_8x_a100')?.reason).toContain('specs.gpus');
    expect(entries.find((entry) => entry.id === 'gpu_1x_a100_sxm4')?.reason).toContain('Mystery accelerator');

    // The health check reads the same catalog: it still answers, and says how many it skipped.
    const health = await bed.registration.hooks.onHeartbeat?.('health_check');
    expect(health).toMatchObject({ ok: true, message: expect.stringContaining('2 skipped') });
    // A spawn of a readable type launches; one of a skipped type is refused before any launch.
    await bed.provider.spawn(bed.spawnOptions());
    const refused = await caught(bed.provider.spawn(bed.spawnOptions({ instanceType: 'gpu_8x_a100' })));
    expect(refused).toBeInstanceOf(ProviderError);
    expect([(refused as ProviderError).code, (refused as ProviderError).message]).toEqual(['INVALID_SPEC', expect.stringContaining('cannot read')]);
    expect(bed.calls(LAUNCH_PATH)).toBe(1);
  });

  it('reads Lambda’s recorded production catalog fully: every GPU name parses (GH200, B200 SXM6, Tesla V100 …)', async () => {
    const bed = await open({ emulator: { entryPatches: { instanceTypes: RECORDED_CATALOG } } });
    const offerings = await bed.provider.instanceTypes();
    expect(skipped(bed)).toEqual([]);
    for (const name of Object.keys(RECORDED_CATALOG)) expect(offerings.map((offering) => offering.name)).toContain(name);
    const gpu = (name: string) => offerings.find((offering) => offering.name === name)?.gpu;
    expect(gpu('gpu_1x_gh200')).toEqual({ model: 'GH200', count: 1, memoryGiB: 96 });
    expect(gpu('gpu_8x_b200_sxm6')).toEqual({ model: 'B200', count: 8, memoryGiB: 180 });
    expect(gpu('gpu_8x_v100')).toEqual({ model: 'Tesla V100', count: 8, memoryGiB: 16 });
    expect(gpu('cpu_4x_general')).toBeNull();
    for (const offering of offerings) if (offering.name.startsWith('gpu_')) expect([offering.name, offering.gpu]).toEqual([offering.name, expect.objectContaining({ model: expect.any(String) })]);
  });
});

describe('one instance Lambda answers that Hangar cannot read', () => {
  it('is skipped by list and named in the log, while get stays strict (fails loudly) so it never reads as gone', async () => {
    const bed = await open();
    const readable = await bed.provider.spawn(bed.spawnOptions());
    const options = bed.spawnOptions();
    const awkward = await bed.provider.spawn(options);
    bed.emulator.state.entryPatches = { ...bed.emulator.state.entryPatches, instances: { [awkward.providerId]: { name: null, instance_type: { specs: null } } } };

    expect((await bed.provider.list()).map((instance) => instance.providerId)).toEqual([readable.providerId]);
    expect(skipped(bed)).toEqual([expect.objectContaining({ kind: 'instance', id: awkward.providerId, count: 1 })]);
    expect(await caught(bed.provider.get(awkward.providerId))).toBeInstanceOf(VendorResponseError);
    expect((await bed.provider.get(readable.providerId))?.providerId).toBe(readable.providerId);

    // A replayed spawn whose machine may be the unreadable one never launches a second: the outcome stays unknown.
    expect(await caught(bed.provider.spawn({ ...options, resumed: true }))).toBeInstanceOf(VendorResponseError);
    expect(bed.calls(LAUNCH_PATH)).toBe(2);
    // Any other replay is not held up by it.
    const other = bed.spawnOptions();
    expect((await bed.provider.spawn({ ...other, resumed: true })).hangarInstanceId).toBe(other.ownership.instanceId);

    // The terminate answer carries the same unreadable instance: the terminate went through, and says so.
    expect(await bed.provider.terminate(awkward.providerId)).toEqual({ providerId: awkward.providerId, status: 'terminating' });
  });
});

describe('one file system Lambda answers that Hangar cannot read', () => {
  it('is skipped by listVolumes and named in the log; getVolume and a spawn naming it fail loudly, not as "no such volume"', async () => {
    const bed = await open();
    const readable = await bed.provider.createVolume({ name: 'good', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} });
    const awkward = await bed.provider.createVolume({ name: 'odd', region: 'us-east-1', zone: null, sizeGiB: 1, tags: {} });
    bed.emulator.state.entryPatches = { ...bed.emulator.state.entryPatches, fileSystems: { [awkward.providerVolumeId]: { region: null, is_in_use: null } } };

    expect((await bed.provider.listVolumes()).map((volume) => volume.providerVolumeId)).toEqual([readable.providerVolumeId]);
    expect(skipped(bed)).toEqual([expect.objectContaining({ kind: 'volume', id: awkward.providerVolumeId })]);
    expect(await caught(bed.provider.getVolume(awkward.providerVolumeId))).toBeInstanceOf(VendorResponseError);
    expect((await bed.provider.getVolume(readable.providerVolumeId))?.name).toBe('good');
    expect(await caught(bed.provider.spawn(bed.spawnOptions({ volumes: [{ providerVolumeId: awkward.providerVolumeId }] })))).toBeInstanceOf(VendorResponseError);
    expect((await bed.provider.spawn(bed.spawnOptions({ volumes: [{ providerVolumeId: readable.providerVolumeId }] }))).fileSystemNames).toEqual(['hangar-good']);
    expect(bed.calls(LAUNCH_PATH)).toBe(1);
  });
});
