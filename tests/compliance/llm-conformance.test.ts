import { describe, it } from 'vitest';
import { casesFor, runConformanceCase } from '../../src/governance/conformance/index.js';
import { LLM_CONFORMANCE_TARGETS } from './llm-targets.js';

/** The conformance kit's LLM case list over the mock and each vendor's emulator: the list the control plane runs over its LLM providers. */
describe.each(LLM_CONFORMANCE_TARGETS)('LLM adapter conformance: $adapter', (target) => {
  for (const conformanceCase of casesFor(target)) {
    it(conformanceCase.title, async (ctx) => {
      const outcome = await runConformanceCase(target, conformanceCase);
      if (outcome.status === 'skipped') ctx.skip(`skipped: ${outcome.reason ?? ''}`);
      if (outcome.status === 'failed') throw new Error(`${conformanceCase.id}: ${outcome.error ?? 'failed'}`, { cause: outcome.cause });
    });
  }
});
