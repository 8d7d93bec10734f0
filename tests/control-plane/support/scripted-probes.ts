import type { ReadinessProbe, ReadinessProbes } from '../../../src/contracts/index.js';

/** Probes the test drives: each call takes the next scripted outcome (the last one repeats). */
export class ScriptedProbes implements ReadinessProbes {
  configuredAnswer = { ok: true, missing: [] as string[] };
  authScript: (Error | string)[] = ['200 from GET /catalog'];
  executionScript: (Error | string | 'hang')[] = ['dry run accepted'];
  authCalls = 0;
  executionCalls = 0;

  configured() {
    return this.configuredAnswer;
  }

  readonly auth: ReadinessProbe = {
    description: 'GET /catalog',
    costUsd: 0,
    run: async () => {
      const next = this.authScript[Math.min(this.authCalls, this.authScript.length - 1)] as Error | string;
      this.authCalls += 1;
      if (next instanceof Error) throw next;
      return next;
    },
  };

  readonly execution: ReadinessProbe = {
    description: 'launch with DryRun',
    costUsd: 0,
    run: async ({ signal }) => {
      const next = this.executionScript[Math.min(this.executionCalls, this.executionScript.length - 1)] as Error | string;
      this.executionCalls += 1;
      if (next === 'hang') {
        return new Promise<string>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true }));
      }
      if (next instanceof Error) throw next;
      return next;
    },
  };
}
