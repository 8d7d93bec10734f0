import { z } from 'zod';
import type { ChaosIssue, ProviderChaosControl } from '../contracts/index.js';
import { ChaosEngine } from './chaos-engine.js';
import { CHAOS_PRESETS } from './chaos-presets.js';
import { type ChaosScenario, ChaosScenarioSchema } from './chaos-scenario.js';

const PresetRequestSchema = z
  .object({
    preset: z.string().refine((name) => Object.hasOwn(CHAOS_PRESETS, name), {
      message: `unknown preset; known: ${Object.keys(CHAOS_PRESETS).join(', ')}`,
    }),
    seed: z.number().int().default(1),
  })
  .strict();

/** A scenario as written, or `{"preset": name, "seed"?}` for a ready-made one. */
export function parseChaosScenario(raw: unknown): { ok: true; scenario: ChaosScenario } | { ok: false; issues: ChaosIssue[] } {
  const isPreset = typeof raw === 'object' && raw !== null && 'preset' in raw;
  const preset = isPreset ? PresetRequestSchema.safeParse(raw) : null;
  if (preset && !preset.success) return { ok: false, issues: issuesOf(preset.error) };
  const input = preset?.success ? { ...CHAOS_PRESETS[preset.data.preset], seed: preset.data.seed } : raw;
  const parsed = ChaosScenarioSchema.safeParse(input);
  return parsed.success ? { ok: true, scenario: parsed.data } : { ok: false, issues: issuesOf(parsed.error) };
}

function issuesOf(error: z.ZodError): ChaosIssue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }));
}

/** Holds the engine in force; the chaos drivers ask it on every call, so a replacement takes effect at once. */
export class ChaosControl implements ProviderChaosControl {
  private engine: ChaosEngine | null = null;

  /** `provider` names the provider (or emulator) the injected errors come from. */
  constructor(
    initial: ChaosScenario | null,
    private readonly onChange: () => void,
    private readonly provider: string,
  ) {
    if (initial) this.engine = new ChaosEngine(initial, provider);
  }

  current(): ChaosEngine | null {
    return this.engine;
  }

  status(): Record<string, unknown> {
    return {
      enabled: this.engine !== null,
      scenario: this.engine?.scenario ?? null,
      presets: Object.keys(CHAOS_PRESETS),
      ...(this.engine ? this.engine.status() : { calls: 0, counters: {}, faults: { total: 0, recent: [] } }),
    };
  }

  replace(raw: unknown): { ok: true } | { ok: false; issues: ChaosIssue[] } {
    const parsed = parseChaosScenario(raw);
    if (!parsed.ok) return parsed;
    this.engine = new ChaosEngine(parsed.scenario, this.provider);
    this.onChange();
    return { ok: true };
  }

  clear(): void {
    this.engine = null;
    this.onChange();
  }
}
