import type { Hono } from 'hono';
import { z } from 'zod';
import { data, type LambdaEmulatorEnv, reply } from './emulator-context.js';
import { mergePatch } from './entry-patches.js';
import { EMULATED_INSTANCE_TYPES, regionOf } from './lambda-labs-catalog.js';
import { LambdaErrors } from './lambda-labs-error.js';
import { renderSshKey } from './lambda-labs-render.js';
import type { LambdaLabsState } from './lambda-labs-state.js';

const AddSshKeySchema = z.object({ name: z.string().min(1).max(64), public_key: z.string().min(1).max(4096).optional() });

/** The catalog (with live capacity), images and SSH keys. */
export function mountAccountRoutes(app: Hono<LambdaEmulatorEnv>, state: LambdaLabsState): void {
  app.get('/api/v1/instance-types', (c) => {
    const catalog: Record<string, unknown> = Object.fromEntries(
      EMULATED_INSTANCE_TYPES.map((type) => [type.name, { instance_type: type, regions_with_capacity_available: state.regionsWithCapacity(type.name) }]),
    );
    for (const [name, patch] of Object.entries(state.entryPatches.instanceTypes)) catalog[name] = mergePatch(catalog[name], patch);
    return data(c, catalog);
  });

  app.get('/api/v1/images', (c) => {
    const created = new Date(Date.UTC(2025, 0, 1)).toISOString();
    return data(
      c,
      state.options.regions.flatMap((region) =>
        state.options.imageFamilies.map((family, index) => ({
          id: `00000000-0000-4000-8000-${String(index).padStart(4, '0')}${region.length.toString(16).padStart(8, '0')}`,
          created_time: created,
          updated_time: created,
          name: family,
          description: family,
          family,
          version: family.replace(/^\D+/, '') || '1',
          architecture: 'x86_64',
          region: regionOf(region),
        })),
      ),
    );
  });

  app.get('/api/v1/ssh-keys', (c) => data(c, [...state.sshKeys.values()].map(renderSshKey)));

  app.post('/api/v1/ssh-keys', (c) => {
    const parsed = AddSshKeySchema.safeParse(c.get('body'));
    if (!parsed.success) return reply(c, LambdaErrors.invalidParameters());
    if (state.sshKeyByName(parsed.data.name) !== undefined) return reply(c, LambdaErrors.invalidParameters(`An SSH key named ${parsed.data.name} already exists.`));
    const publicKey = parsed.data.public_key ?? `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${state.hex(16)} ${parsed.data.name}`;
    return data(c, renderSshKey(state.addSshKey(parsed.data.name, publicKey)));
  });

  app.delete('/api/v1/ssh-keys/:id', (c) => {
    if (!state.sshKeys.delete(c.req.param('id'))) return reply(c, LambdaErrors.invalidParameters('SSH key not found.'));
    return data(c, {});
  });
}
