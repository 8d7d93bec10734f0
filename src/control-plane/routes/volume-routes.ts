import { Hono } from 'hono';
import { OWNERSHIP_TAGS, type ProviderVolume, supports, VolumeOptionsSchema } from '../../contracts/index.js';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { parseJsonBody } from '../request-parsing.js';

/** The body of POST /v1/providers/:name/volumes: the owner marker is the control plane's own, never the client's. */
const CreateVolumeRequestSchema = VolumeOptionsSchema.omit({ owner: true }).strict();

/**
 * Persistent volumes, per provider: `/v1/providers/:name/volumes[/:volumeId]`. The provider is the
 * record of truth (volumes have no rows); Hangar lists only the volumes carrying its owner marker.
 */
export function volumeRoutes(ctx: ControlPlaneContext): Hono {
  const volumesOf = (name: string) => {
    const entry = ctx.registry.require(name);
    const provider = entry.provider;
    if (!supports(provider, 'persistentVolumes')) {
      const declared = entry.provider.capabilities.persistentVolumes;
      throw new ApiError(422, 'CAPABILITY_UNSUPPORTED', `${entry.name} does not offer persistent volumes`, {
        capability: 'persistentVolumes',
        reason: declared === true ? '' : declared.unsupported,
        provider: entry.name,
      });
    }
    return { entry, provider };
  };
  const call = async <T>(entry: RegisteredProvider, operation: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await callProvider(entry.name, operation, ctx.settings.providerTimeoutMs, run);
    } catch (error) {
      throw apiErrorFromProviderCall(error, entry.name);
    }
  };
  const owned = (volume: ProviderVolume | null) => volume !== null && volume.tags[OWNERSHIP_TAGS.owner] === ctx.settings.owner;

  return new Hono()
    .get('/v1/providers/:name/volumes', async (c) => {
      const { entry, provider } = volumesOf(c.req.param('name'));
      const volumes = await call(entry, 'listVolumes', () => provider.listVolumes({ owner: ctx.settings.owner }));
      return c.json({ items: volumes.sort((a, b) => a.providerVolumeId.localeCompare(b.providerVolumeId)) });
    })
    .post('/v1/providers/:name/volumes', async (c) => {
      const { entry, provider } = volumesOf(c.req.param('name'));
      const body = await parseJsonBody(c, CreateVolumeRequestSchema);
      const volume = await call(entry, 'createVolume', () => provider.createVolume({ ...body, owner: ctx.settings.owner }));
      return c.json(volume, 201);
    })
    .get('/v1/providers/:name/volumes/:volumeId', async (c) => {
      const { entry, provider } = volumesOf(c.req.param('name'));
      const volume = await call(entry, 'getVolume', () => provider.getVolume(c.req.param('volumeId')));
      if (!owned(volume)) throw new ApiError(404, 'VOLUME_NOT_FOUND', `${entry.name} has no volume ${c.req.param('volumeId')} of this Hangar`);
      return c.json(volume);
    })
    .delete('/v1/providers/:name/volumes/:volumeId', async (c) => {
      const { entry, provider } = volumesOf(c.req.param('name'));
      const volumeId = c.req.param('volumeId');
      const volume = await call(entry, 'getVolume', () => provider.getVolume(volumeId));
      // Deleting is idempotent, but never of a volume some other owner holds.
      if (volume !== null && !owned(volume)) throw new ApiError(404, 'VOLUME_NOT_FOUND', `${entry.name} has no volume ${volumeId} of this Hangar`);
      await call(entry, 'deleteVolume', () => provider.deleteVolume(volumeId));
      return c.body(null, 204);
    });
}
