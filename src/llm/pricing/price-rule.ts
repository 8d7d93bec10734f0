import { z } from 'zod';
import { ProviderIdSchema } from '../core/canonical-types.js';

const price = z.number().nonnegative().finite();

/**
 * An operator's price override, from config: it matches a provider and a model (an exact id or a glob,
 * see model-glob.ts) and replaces only the fields it sets (USD per million tokens).
 */
export const PriceRuleSchema = z
  .object({
    provider: ProviderIdSchema,
    model: z.string().min(1).max(200),
    inputPerMillion: price.optional(),
    outputPerMillion: price.optional(),
    cachedInputPerMillion: price.optional(),
    reasoningPerMillion: price.optional(),
    /** Why the rule exists (a negotiated rate, a model the catalog lacks); echoed in the cost's source. */
    note: z.string().max(200).optional(),
  })
  .strict()
  .refine(
    (rule) => rule.inputPerMillion !== undefined || rule.outputPerMillion !== undefined || rule.cachedInputPerMillion !== undefined || rule.reasoningPerMillion !== undefined,
    { message: 'a price rule sets at least one of inputPerMillion, outputPerMillion, cachedInputPerMillion, reasoningPerMillion' },
  );
export type PriceRule = z.infer<typeof PriceRuleSchema>;

export const PRICE_FIELDS = ['inputPerMillion', 'outputPerMillion', 'cachedInputPerMillion', 'reasoningPerMillion'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];
