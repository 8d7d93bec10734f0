import type { Hono } from 'hono';
import { z } from 'zod';
import type { EmulatorChaos } from '../shared/emulator-chaos.js';
import { data, type LambdaEmulatorEnv, reply } from './emulator-context.js';
import { REGION_DESCRIPTIONS } from './lambda-labs-catalog.js';
import { LambdaErrors } from './lambda-labs-error.js';
import { renderInstance } from './lambda-labs-render.js';
import type { LambdaLabsState } from './lambda-labs-state.js';

/** `InstanceLaunchRequest` as the spec constrains it (unknown properties pass, as the spec allows). */
const LaunchRequestSchema = z.object({
  region_name: z.string().refine((region) => region in REGION_DESCRIPTIONS, 'unknown region code'),
  instance_type_name: z.string(),
  ssh_key_names: z.array(z.string()).length(1, 'exactly one SSH key must be specified'),
  file_system_names: z.array(z.string()).optional(),
  hostname: z.string().regex(/^[a-z0-9][0-9a-z-]{0,62}$/).optional(),
  name: z.string().max(64).optional(),
  image: z.union([z.object({ id: z.string() }), z.object({ family: z.string() })]).optional(),
  user_data: z.string().max(1024 * 1024).optional(),
  tags: z.array(z.object({ key: z.string().max(55).regex(/^[a-z][a-z0-9-:]+$/), value: z.string().max(128) })).optional(),
});

const IdsRequestSchema = z.object({ instance_ids: z.array(z.string()) });

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue === undefined ? 'Invalid request data.' : `Invalid request data: ${issue.path.join('.') || '(body)'}: ${issue.message}`;
}

export function mountInstanceRoutes(app: Hono<LambdaEmulatorEnv>, state: LambdaLabsState, chaos: EmulatorChaos): void {
  app.get('/api/v1/instances', (c) => {
    const now = state.now();
    const listed = state.visible().filter((instance) => !chaos.hiddenFromList(instance.createdAtMs, now, instance.id));
    return data(c, listed.map((instance) => renderInstance(state, instance)));
  });

  app.get('/api/v1/instances/:id', (c) => {
    const instance = state.find(c.req.param('id'));
    return instance === undefined ? reply(c, LambdaErrors.instanceNotFound()) : data(c, renderInstance(state, instance));
  });

  app.post('/api/v1/instance-operations/launch', (c) => {
    const parsed = LaunchRequestSchema.safeParse(c.get('body'));
    if (!parsed.success) return reply(c, LambdaErrors.invalidParameters(firstIssue(parsed.error)));
    const request = parsed.data;
    const type = state.instanceType(request.instance_type_name);
    if (type === undefined) return reply(c, LambdaErrors.invalidParameters(`Invalid request data: unknown instance type ${request.instance_type_name}`));
    const sshKey = request.ssh_key_names[0] ?? '';
    if (state.sshKeyByName(sshKey) === undefined) return reply(c, LambdaErrors.launchResourceNotFound(`SSH key ${sshKey} does not exist.`));
    if (request.image !== undefined) {
      const known = 'family' in request.image ? state.options.imageFamilies.includes(request.image.family) : false;
      if (!known) return reply(c, LambdaErrors.launchResourceNotFound(`Image ${JSON.stringify(request.image)} does not exist.`));
    }
    for (const name of request.file_system_names ?? []) {
      const fileSystem = state.fileSystemByName(name);
      if (fileSystem === undefined) return reply(c, LambdaErrors.launchResourceNotFound(`Filesystem ${name} does not exist.`));
      if (fileSystem.region !== request.region_name) {
        return reply(c, LambdaErrors.fileSystemInWrongRegion(`Filesystem ${name} is in ${fileSystem.region}, not in ${request.region_name}.`));
      }
    }
    if (state.holding().length >= state.options.instanceQuota) return reply(c, LambdaErrors.quotaExceeded());
    if (state.freeCapacity(request.region_name, type.name) === 0) return reply(c, LambdaErrors.insufficientCapacity());
    const instance = state.launch({
      name: request.name ?? null,
      region: request.region_name,
      type,
      sshKeyNames: request.ssh_key_names,
      fileSystemNames: request.file_system_names ?? [],
      hostname: request.hostname ?? null,
      tags: request.tags ?? [],
    });
    return data(c, { instance_ids: [instance.id] });
  });

  app.post('/api/v1/instance-operations/terminate', (c) => {
    const parsed = IdsRequestSchema.safeParse(c.get('body'));
    // The spec documents no 400 here; a body without ids names no instance.
    if (!parsed.success) return reply(c, LambdaErrors.instanceNotFound());
    const instances = parsed.data.instance_ids.map((id) => state.find(id));
    if (instances.length === 0 || instances.some((instance) => instance === undefined)) return reply(c, LambdaErrors.instanceNotFound());
    const found = instances.filter((instance) => instance !== undefined);
    // Lambda refuses the whole request when one instance is already ending, with an unhelpful unknown error.
    if (found.some((instance) => !state.canTerminate(instance))) return reply(c, LambdaErrors.unknown());
    for (const instance of found) state.terminate(instance);
    return data(c, { terminated_instances: found.map((instance) => renderInstance(state, instance)) });
  });

  app.post('/api/v1/instance-operations/restart', (c) => {
    const parsed = IdsRequestSchema.safeParse(c.get('body'));
    if (!parsed.success) return reply(c, LambdaErrors.instanceNotFound());
    const instances = parsed.data.instance_ids.map((id) => state.find(id));
    if (instances.length === 0 || instances.some((instance) => instance === undefined)) return reply(c, LambdaErrors.instanceNotFound());
    return data(c, { restarted_instances: instances.filter((instance) => instance !== undefined).map((instance) => renderInstance(state, instance)) });
  });
}
