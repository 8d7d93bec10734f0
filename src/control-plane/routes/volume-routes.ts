import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { OWNERSHIP_TAGS, type ProviderVolume, supports, VolumeOptionsSchema } from '../../contracts/index.js';
import { ApiError, apiErrorFromProviderCall } from '../api-error.js';
import { callProvider } from '../call-provider.js';
import type { ControlPlaneContext } from '../context.js';
import { errorResponses, JSON_BODY_ERRORS, PROVIDER_CALL_ERRORS, PROVIDER_LOOKUP_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { VolumeListSchema, VolumeSchema } from '../openapi/response-schemas.js';
import type { RegisteredProvider } from '../provider-registry.js';
import { parseJsonBody } from '../request-parsing.js';
import { ProviderPathSchema } from './provider-routes.js';

/** The body of POST /v1/providers/:name/volumes: the owner marker is the control plane's own, never the client's. */
const CreateVolumeRequestSchema = VolumeOptionsSchema.omit({ owner: true }).strict();

const VolumePathSchema = ProviderPathSchema.extend({ volumeId: z.string().openapi({ description: "The provider's volume id", example: 'vol-0a1b2c3d4e5f67890' }) });
/** Every volume route: an unknown provider, one without persistentVolumes, and whatever the provider call answers. */
const VOLUME_ERRORS = [PROVIDER_LOOKUP_ERRORS, { 422: ['CAPABILITY_UNSUPPORTED'] }, PROVIDER_CALL_ERRORS] as const;
const volumeResponse = (description: string) => ({ description, content: { 'application/json': { schema: VolumeSchema } } });

const listVolumesRoute = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/volumes',
  security: requires('read'),
  tags: ['volumes'],
  summary: "Every volume carrying this control plane's owner marker, sorted by providerVolumeId",
  request: { params: ProviderPathSchema },
  responses: {
    200: { description: 'The volumes (not paginated)', content: { 'application/json': { schema: VolumeListSchema } } },
    ...errorResponses(...VOLUME_ERRORS),
  },
});

const createVolumeRoute = createRoute({
  method: 'post',
  path: '/v1/providers/{name}/volumes',
  security: requires('spawn'),
  tags: ['volumes'],
  summary: 'Create a persistent volume (no Idempotency-Key: every POST creates one)',
  request: {
    params: ProviderPathSchema,
    body: jsonRequestBody(CreateVolumeRequestSchema, { description: 'VolumeOptions without owner; unknown keys are rejected', required: true }),
  },
  responses: { 201: volumeResponse('The new volume'), ...errorResponses(...VOLUME_ERRORS, JSON_BODY_ERRORS) },
});

const getVolumeRoute = createRoute({
  method: 'get',
  path: '/v1/providers/{name}/volumes/{volumeId}',
  security: requires('read'),
  tags: ['volumes'],
  summary: 'One volume of this control plane',
  request: { params: VolumePathSchema },
  responses: { 200: volumeResponse('The volume'), ...errorResponses(...VOLUME_ERRORS, { 404: ['VOLUME_NOT_FOUND'] }) },
});

const deleteVolumeRoute = createRoute({
  method: 'delete',
  path: '/v1/providers/{name}/volumes/{volumeId}',
  security: requires('spawn'),
  tags: ['volumes'],
  summary: "Delete a volume (idempotent; never one carrying another owner's marker)",
  request: { params: VolumePathSchema },
  responses: { 204: { description: 'Deleted, or already gone' }, ...errorResponses(...VOLUME_ERRORS, { 404: ['VOLUME_NOT_FOUND'] }) },
});

/**
 * Persistent volumes, per provider: `/v1/providers/:name/volumes[/:volumeId]`. The provider is the
 * record of truth (volumes have no rows); Hangar lists only the volumes carrying its owner marker.
 */
export function volumeRoutes(ctx: ControlPlaneContext): OpenAPIHono {
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
  const owned = (volume: ProviderVolume | null): volume is ProviderVolume => volume !== null && volume.tags[OWNERSHIP_TAGS.owner] === ctx.settings.owner;

  return new OpenAPIHono()
    .openapi(listVolumesRoute, async (c) => {
      const { entry, provider } = volumesOf(c.req.valid('param').name);
      const volumes = await call(entry, 'listVolumes', () => provider.listVolumes({ owner: ctx.settings.owner }));
      return c.json({ items: volumes.sort((a, b) => a.providerVolumeId.localeCompare(b.providerVolumeId)) }, 200);
    })
    .openapi(createVolumeRoute, async (c) => {
      const { entry, provider } = volumesOf(c.req.valid('param').name);
      const body = await parseJsonBody(c, CreateVolumeRequestSchema);
      const volume = await call(entry, 'createVolume', () => provider.createVolume({ ...body, owner: ctx.settings.owner }));
      return c.json(volume, 201);
    })
    .openapi(getVolumeRoute, async (c) => {
      const { name, volumeId } = c.req.valid('param');
      const { entry, provider } = volumesOf(name);
      const volume = await call(entry, 'getVolume', () => provider.getVolume(volumeId));
      if (!owned(volume)) throw new ApiError(404, 'VOLUME_NOT_FOUND', `${entry.name} has no volume ${volumeId} of this Hangar`);
      return c.json(volume, 200);
    })
    .openapi(deleteVolumeRoute, async (c) => {
      const { name, volumeId } = c.req.valid('param');
      const { entry, provider } = volumesOf(name);
      const volume = await call(entry, 'getVolume', () => provider.getVolume(volumeId));
      // Deleting is idempotent, but never of a volume some other owner holds.
      if (volume !== null && !owned(volume)) throw new ApiError(404, 'VOLUME_NOT_FOUND', `${entry.name} has no volume ${volumeId} of this Hangar`);
      await call(entry, 'deleteVolume', () => provider.deleteVolume(volumeId));
      return c.body(null, 204);
    });
}
