import { z } from 'zod';
import { type Ownership, OWNERSHIP_TAGS, ownershipTags } from '../../contracts/index.js';

/** Every name Hangar gives a Lambda instance or file system starts with this. */
export const NAME_PREFIX = 'hangar';
const INSTANCE_NAME_MAX = 64;
/** Marks a part cut short to fit 64 characters; neither owners nor Hangar ids contain it. */
const TRIMMED = '~';

/**
 * `hangar:<owner>:<hangarInstanceId>`, at most 64 characters (Lambda's name limit). The control
 * plane's owner is `[a-z0-9-]`, so the first `:` after the prefix ends it. When it does not fit, the
 * owner is trimmed first (the id is what reconciliation adopts by), each cut marked with `~`. The tags
 * carry both marks in full; the name is the fallback for an instance whose tags were lost.
 */
export function instanceNameFor(ownership: Ownership): string {
  const full = `${NAME_PREFIX}:${ownership.owner}:${ownership.instanceId}`;
  if (full.length <= INSTANCE_NAME_MAX) return full;
  const room = INSTANCE_NAME_MAX - `${NAME_PREFIX}::`.length - ownership.instanceId.length;
  if (room >= 2) return `${NAME_PREFIX}:${ownership.owner.slice(0, room - 1)}${TRIMMED}:${ownership.instanceId}`;
  return `${NAME_PREFIX}:${TRIMMED}:${ownership.instanceId}`.slice(0, INSTANCE_NAME_MAX - 1) + TRIMMED;
}

/** The marks a name carries; a trimmed part reads as null. Null for a name Hangar did not give. */
export function parseInstanceName(name: string | undefined): { owner: string | null; instanceId: string | null } | null {
  if (name === undefined || !name.startsWith(`${NAME_PREFIX}:`)) return null;
  const rest = name.slice(NAME_PREFIX.length + 1);
  const separator = rest.indexOf(':');
  if (separator === -1) return null;
  const owner = rest.slice(0, separator);
  const instanceId = rest.slice(separator + 1);
  return {
    owner: owner === '' || owner.endsWith(TRIMMED) ? null : owner,
    instanceId: instanceId === '' || instanceId.endsWith(TRIMMED) ? null : instanceId,
  };
}

/** The ownership marks of an instance: its tags first (complete), else its name. */
export function ownershipOf(name: string | undefined, tags: Record<string, string>): { owner: string | null; hangarInstanceId: string | null } {
  const fromName = parseInstanceName(name);
  return {
    owner: tags[OWNERSHIP_TAGS.owner] ?? fromName?.owner ?? null,
    hangarInstanceId: tags[OWNERSHIP_TAGS.instanceId] ?? fromName?.instanceId ?? null,
  };
}

/** Name and tags, each read only if it can be: all that is needed to know whose machine an otherwise unreadable instance is. */
const LooseMarksSchema = z.object({
  name: z.string().optional().catch(undefined),
  tags: z.array(z.unknown()).optional().catch(undefined),
});
const TagEntrySchema = z.object({ key: z.string(), value: z.string() });

/** The Hangar id an instance Hangar cannot otherwise read still carries (tags first, then name), or null. */
export function hangarInstanceIdOfRaw(raw: unknown): string | null {
  const marks = LooseMarksSchema.safeParse(raw);
  if (!marks.success) return null;
  const tags: Record<string, string> = {};
  for (const entry of marks.data.tags ?? []) {
    const tag = TagEntrySchema.safeParse(entry);
    if (tag.success) tags[tag.data.key] = tag.data.value;
  }
  return ownershipOf(marks.data.name, tags).hangarInstanceId;
}

/** Lambda's `RequestedTagEntry`: key `^[a-z][a-z0-9-:]+$` up to 55 characters, value up to 128. */
const TAG_KEY = /^[a-z][a-z0-9-:]+$/;

/** The launch tags: the caller's, then the ownership marks (last, so no caller tag can overwrite them); `refused` with the reason when Lambda would refuse one. */
export function launchTags(tags: Record<string, string>, ownership: Ownership): { tags: { key: string; value: string }[] } | { refused: string } {
  const merged = { ...tags, ...ownershipTags(ownership) };
  for (const [key, value] of Object.entries(merged)) {
    if (!TAG_KEY.test(key) || key.length > 55) return { refused: `tag key "${key}" is not accepted by Lambda (lowercase letters, digits, - and :, starting with a letter, 2-55 characters)` };
    if (value.length > 128) return { refused: `the value of tag "${key}" is longer than Lambda's 128 characters` };
  }
  return { tags: Object.entries(merged).map(([key, value]) => ({ key, value })) };
}

/** File systems take no tags, so ownership is the name prefix `hangar-` (the only separator their names allow). */
export const FILE_SYSTEM_PREFIX = `${NAME_PREFIX}-`;
export const FILE_SYSTEM_NAME_MAX = 60;
const FILE_SYSTEM_NAME = /^[a-zA-Z]+[0-9a-zA-Z-]*$/;

export function fileSystemNameFor(name: string): { name: string } | { refused: string } {
  const full = `${FILE_SYSTEM_PREFIX}${name}`;
  if (full.length > FILE_SYSTEM_NAME_MAX) return { refused: `volume name "${name}" is too long: Lambda file system names are at most ${FILE_SYSTEM_NAME_MAX} characters, ${FILE_SYSTEM_PREFIX.length} of them Hangar's prefix` };
  if (!FILE_SYSTEM_NAME.test(full)) return { refused: `volume name "${name}" is not accepted by Lambda (letters, digits and -)` };
  return { name: full };
}

/** The caller's volume name, or null for a file system Hangar did not create. */
export function volumeNameOf(fileSystemName: string): string | null {
  return fileSystemName.startsWith(FILE_SYSTEM_PREFIX) ? fileSystemName.slice(FILE_SYSTEM_PREFIX.length) : null;
}
