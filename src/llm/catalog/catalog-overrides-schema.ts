import { z } from 'zod';
import { ModelCapabilitiesSchema, ModelPricesSchema, ProviderIdSchema } from '../core/canonical-types.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const reason = z.string().min(10, 'say why the override exists');

/**
 * Hangar's hand-kept corrections on top of the data packages (catalog-overrides.json): models to
 * leave out, figures to set, models to add. Every entry says why and when; an entry that matches
 * nothing fails the generation (a stale override is a bug, not a no-op).
 */
export const CatalogOverridesSchema = z
  .object({
    $comment: z.string().optional(),
    /** Models to leave out: `model` an exact id or a glob, or `pattern` a regular expression (for what a glob cannot say, such as "no slash"). */
    exclude: z.array(
      z
        .object({ provider: ProviderIdSchema, model: z.string().min(1).optional(), pattern: z.string().min(1).optional(), reason })
        .strict()
        .refine((rule) => (rule.model === undefined) !== (rule.pattern === undefined), { message: 'an exclusion has either model or pattern' }),
    ),
    models: z.array(
      z
        .object({
          provider: ProviderIdSchema,
          /** An exact id or a glob (`*`, `?`; see pricing/model-glob.ts). */
          model: z.string().min(1),
          /** True to add a model the packages lack (an exact id only). */
          add: z.boolean().optional(),
          reason,
          asOf: isoDate,
          set: z
            .object({
              displayName: z.string().optional(),
              contextWindow: z.number().int().positive().optional(),
              maxOutputTokens: z.number().int().positive().optional(),
              capabilities: ModelCapabilitiesSchema.partial().optional(),
              prices: ModelPricesSchema.partial().optional(),
            })
            .strict(),
        })
        .strict(),
    ),
  })
  .strict();
export type CatalogOverrides = z.infer<typeof CatalogOverridesSchema>;
export type CatalogOverride = CatalogOverrides['models'][number];
