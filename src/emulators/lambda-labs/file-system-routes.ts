import type { Hono } from 'hono';
import { z } from 'zod';
import { data, type LambdaEmulatorEnv, reply } from './emulator-context.js';
import { LambdaErrors } from './lambda-labs-error.js';
import { renderFileSystem } from './lambda-labs-render.js';
import type { LambdaLabsState } from './lambda-labs-state.js';

/** `FilesystemCreateRequest`. */
const CreateRequestSchema = z.object({
  name: z.string().min(1).max(60).regex(/^[a-zA-Z]+[0-9a-zA-Z-]*$/),
  region: z.string(),
});

/** Lambda lists at `/file-systems` but creates and deletes at `/filesystems` (sic, spec v1.8.3). */
export function mountFileSystemRoutes(app: Hono<LambdaEmulatorEnv>, state: LambdaLabsState): void {
  app.get('/api/v1/file-systems', (c) => data(c, [...state.fileSystems.values()].map((fileSystem) => renderFileSystem(state, fileSystem))));

  app.post('/api/v1/filesystems', (c) => {
    const parsed = CreateRequestSchema.safeParse(c.get('body'));
    if (!parsed.success) return reply(c, LambdaErrors.invalidParameters(`Invalid request data: ${parsed.error.issues[0]?.path.join('.') ?? 'body'}`));
    const { name, region } = parsed.data;
    if (!state.options.regions.includes(region)) return reply(c, LambdaErrors.invalidParameters(`Invalid request data: region ${region} is not available`));
    if (state.fileSystemByName(name) !== undefined) return reply(c, LambdaErrors.duplicate(`A filesystem named ${name} already exists.`));
    return data(c, renderFileSystem(state, state.createFileSystem(name, region)));
  });

  app.delete('/api/v1/filesystems/:id', (c) => {
    const fileSystem = state.fileSystems.get(c.req.param('id'));
    if (fileSystem === undefined) return reply(c, LambdaErrors.fileSystemNotFound());
    if (state.fileSystemInUse(fileSystem)) return reply(c, LambdaErrors.fileSystemInUse(`Filesystem ${fileSystem.name} is mounted on an instance.`));
    state.fileSystems.delete(fileSystem.id);
    return data(c, { deleted_ids: [fileSystem.id] });
  });
}
