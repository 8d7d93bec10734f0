import { materialize, type ProviderVolume, ProviderVolumeSchema } from '../../contracts/index.js';
import { volumeNameOf } from './lambda-labs-naming.js';
import type { LambdaFileSystem, LambdaInstance } from './lambda-labs-wire.js';

/** Instances in these states still hold their file systems. */
const HOLDING: ReadonlySet<LambdaInstance['status']> = new Set(['booting', 'active', 'unhealthy', 'terminating']);

/**
 * A Lambda file system as a persistent volume. File systems are regional and grow as they fill, so
 * `zone` and `sizeGiB` are null; they take no tags, so `tags` is empty. Lambda names the instances
 * using a file system only from the instance side (`file_system_names`), hence `instances`.
 */
export function toProviderVolume(fileSystem: LambdaFileSystem, instances: readonly LambdaInstance[]): ProviderVolume {
  const attachedTo = instances
    .filter((instance) => HOLDING.has(instance.status) && instance.file_system_names.includes(fileSystem.name))
    .map((instance) => instance.id);
  return materialize(
    ProviderVolumeSchema,
    {
      providerVolumeId: fileSystem.id,
      name: volumeNameOf(fileSystem.name) ?? fileSystem.name,
      region: fileSystem.region.name,
      zone: null,
      sizeGiB: null,
      status: fileSystem.is_in_use || attachedTo.length > 0 ? 'in-use' : 'available',
      attachedTo,
      tags: {},
      createdAt: normalisedDate(fileSystem.created),
    },
    'lambda-labs',
    `file system ${fileSystem.id}`,
  );
}

function normalisedDate(value: string): string | null {
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
