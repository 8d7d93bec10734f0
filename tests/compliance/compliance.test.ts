import { describe, it } from 'vitest';
import { casesFor, runConformanceCase } from '../../src/governance/conformance/index.js';
import { COMPLIANCE_FACTORIES } from './provider-factories.js';

/**
 * The compliance suite is the conformance kit's compute case list (src/governance/conformance), run
 * over every factory: one test per case per provider, each on a fresh target. The control plane runs
 * the same list over its enabled providers (`POST /providers/conformance/run`).
 *
 * Every case starts a target of its own (a data dir, an emulator, an API key) and shares nothing with
 * another, so a provider's cases run concurrently (vitest's maxConcurrency, 5): the suite waits on
 * child processes and loopback I/O far more than on the CPU.
 */
describe.concurrent.each(COMPLIANCE_FACTORIES)('provider compliance: $adapter', (target) => {
  for (const conformanceCase of casesFor(target)) {
    it(conformanceCase.title, { ...(conformanceCase.timeoutMs !== undefined && { timeout: conformanceCase.timeoutMs }) }, async (ctx) => {
      const outcome = await runConformanceCase(target, conformanceCase);
      if (outcome.status === 'skipped') ctx.skip(`skipped: ${outcome.reason ?? ''}`);
      if (outcome.status === 'failed') throw new Error(`${conformanceCase.id}: ${outcome.error ?? 'failed'}`, { cause: outcome.cause });
    });
  }
});
