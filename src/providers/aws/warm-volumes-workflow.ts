import { z } from 'zod';
import { ProviderError, type ProviderWorkflow } from '../../contracts/index.js';
import type { ReplenishReport, WarmPoolCounts, WarmVolumePool } from './warm-volume-pool.js';

export const WarmVolumesInputSchema = z.object({ action: z.enum(['status', 'replenish']) }).strict();

export type WarmVolumesInput = z.infer<typeof WarmVolumesInputSchema>;

export type WarmVolumesResult = { action: 'status'; pools: WarmPoolCounts[] } | ({ action: 'replenish' } & ReplenishReport);

/** `warm-volumes`: per-pool counts, or a replenish pass now (the same one the reconcile heartbeat runs). */
export function createWarmVolumesWorkflow(pool: WarmVolumePool): ProviderWorkflow<WarmVolumesInput, WarmVolumesResult> {
  return {
    description: 'warm EBS volume pools: `status` counts available, creating and claimed volumes per pool; `replenish` reclaims, tops up to target and trims extras',
    input: WarmVolumesInputSchema,
    async run(raw) {
      const parsed = WarmVolumesInputSchema.safeParse(raw);
      if (!parsed.success) {
        throw new ProviderError({ code: 'INVALID_SPEC', provider: 'aws', message: "aws: warm-volumes input is {action: 'status' | 'replenish'}", cause: parsed.error });
      }
      if (parsed.data.action === 'status') return { action: 'status', pools: await pool.status() };
      return { action: 'replenish', ...(await pool.replenish()) };
    },
  };
}
