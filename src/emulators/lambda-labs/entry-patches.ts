import { z } from 'zod';

/**
 * Raw JSON merged over what the emulator would answer, so it can serve the entries real Lambda answers
 * and a client may not read: a GPU description in a new form, a field null that the document says is
 * a string, a whole catalog recorded from production. Served in every answer that carries the entry.
 */
export const LambdaEntryPatchesSchema = z
  .object({
    /** By type name, over the catalog item `{instance_type, regions_with_capacity_available}`; a name not in the catalog adds the item as given. */
    instanceTypes: z.record(z.string().min(1), z.unknown()).default({}),
    /** By instance id, over the rendered `Instance` (list, get, terminate and restart answers). */
    instances: z.record(z.string().min(1), z.unknown()).default({}),
    /** By file system id, over the rendered `Filesystem` (list and create answers). */
    fileSystems: z.record(z.string().min(1), z.unknown()).default({}),
  })
  .strict();

export type LambdaEntryPatches = z.infer<typeof LambdaEntryPatchesSchema>;
export type LambdaEntryPatchesInput = z.input<typeof LambdaEntryPatchesSchema>;

export const NO_ENTRY_PATCHES: LambdaEntryPatches = { instanceTypes: {}, instances: {}, fileSystems: {} };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Objects merge key by key; anything else replaces, null included (unlike RFC 7396, where null deletes:
 * real APIs send nulls, and serving one is the point). Without a patch the value is returned as is.
 */
export function mergePatch(base: unknown, patch: unknown): unknown {
  if (patch === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) merged[key] = mergePatch(base[key], value);
  return merged;
}
