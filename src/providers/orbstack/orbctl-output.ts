import { z } from 'zod';

/**
 * What `orbctl ... -f json` prints, per vendor-specs/orbstack/ (section C). OrbStack
 * publishes no schema, so the parse is lenient: unknown fields pass through, and only what the
 * driver reads (or what several sources corroborate) is required.
 */

export const OrbctlImageSchema = z.looseObject({
  distro: z.string(),
  version: z.string(),
  arch: z.string(),
  variant: z.string().optional(),
});

export const OrbctlMachineSchema = z.looseObject({
  /** A 26-character ULID. */
  id: z.string().min(1),
  name: z.string().min(1),
  /** `running` and `stopped` are attested; transitional states exist but their names are unknown. */
  state: z.string(),
  image: OrbctlImageSchema,
  config: z.looseObject({ default_username: z.string().optional(), isolated: z.boolean().optional() }).optional(),
  builtin: z.boolean().optional(),
});

export type OrbctlMachine = z.infer<typeof OrbctlMachineSchema>;

/** `orbctl list -f json`: an array of machine records, each read on its own (one odd record never fails the list). */
export const OrbctlListSchema = z.array(z.unknown());

/** `orbctl info NAME -f json`: the record plus runtime details (seen in one source only, so optional). */
export const OrbctlInfoSchema = z.looseObject({
  record: OrbctlMachineSchema,
  disk_size: z.number().optional(),
  ip4: z.string().nullable().optional(),
  ip6: z.string().nullable().optional(),
});

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The creation time a ULID carries in its first 10 characters, or null when `id` is not a ULID. */
export function ulidTime(id: string): number | null {
  if (!/^[0-9A-HJKMNP-TV-Z]{26}$/.test(id)) return null;
  let time = 0;
  for (const char of id.slice(0, 10)) time = time * 32 + CROCKFORD.indexOf(char);
  return time;
}
