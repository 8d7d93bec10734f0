import type { Hono } from 'hono';
import { ChaosControl } from '../../chaos/chaos-control.js';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import type { ProviderErrorCode } from '../../contracts/index.js';

/** A fault the emulator must act out for one request; each emulator renders `code` as its vendor's own error. */
export type EmulatorFault =
  | { kind: 'error'; code: ProviderErrorCode; message: string; retryAfterMs: number | null; rule: string }
  /** Perform the request, then answer as if it failed (`code` null: as a dropped connection / 5xx would). */
  | { kind: 'phantom'; code: ProviderErrorCode | null; message: string; retryAfterMs: number | null; rule: string }
  /** Never answer; the client's deadline decides. */
  | { kind: 'timeout'; rule: string }
  /** Answer success with a body the client cannot read. */
  | { kind: 'malformed'; rule: string };

/**
 * The chaos engine's fault rules, replayed inside an emulator: the same scenario format (faults,
 * latency, quirks.listLagMs) as the OrbStack provider's, seeded and replayable, managed over
 * `GET/PUT/DELETE /_emulator/chaos` so a test (or an operator) can switch it at run time. Vendors'
 * real endpoints never live under `/_emulator`.
 */
export class EmulatorChaos {
  private readonly control: ChaosControl;

  constructor(emulator: string, initial: unknown = null) {
    this.control = new ChaosControl(null, () => {}, emulator);
    if (initial !== null) {
      const result = this.control.replace(initial);
      if (!result.ok) throw new Error(`bad chaos scenario: ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
    }
  }

  /** Mounts the management routes. Call before the emulator's catch-all routes. */
  mount(app: Hono): void {
    app.get('/_emulator/chaos', (c) => c.json(this.control.status()));
    app.put('/_emulator/chaos', async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: { code: 'INVALID_JSON', message: 'the body must be a JSON chaos scenario' } }, 400);
      }
      const result = this.control.replace(body);
      if (!result.ok) return c.json({ error: { code: 'INVALID_SCENARIO', message: 'the chaos scenario is invalid', issues: result.issues } }, 400);
      return c.json(this.control.status());
    });
    app.delete('/_emulator/chaos', (c) => {
      this.control.clear();
      return c.body(null, 204);
    });
  }

  /** Replaces the scenario in-process (tests); throws on a bad one. */
  replace(scenario: unknown): void {
    const result = this.control.replace(scenario);
    if (!result.ok) throw new Error(`bad chaos scenario: ${result.issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`);
  }

  clear(): void {
    this.control.clear();
  }

  /**
   * Called when a request starts: waits out the latency rules, then returns the fault to act out, or
   * null to answer normally. Both decisions are drawn before any waiting, so overlapping requests
   * cannot reorder the seeded draws.
   */
  async before(call: ChaosCall): Promise<EmulatorFault | null> {
    const engine = this.control.current();
    if (!engine) return null;
    engine.begin();
    const delay = engine.delayFor(call);
    const fault = engine.faultFor(call);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!fault) return null;
    const { rule, ruleId } = fault;
    const message = rule.message ?? `emulator chaos: injected ${rule.effect}${rule.code ? ` ${rule.code}` : ''} (rule ${ruleId})`;
    switch (fault.kind) {
      case 'error':
        // The scenario schema refuses an error rule without a code.
        if (rule.code === undefined) throw new Error(`chaos rule ${ruleId} has effect error but no code`);
        return { kind: 'error', code: rule.code, message, retryAfterMs: rule.retryAfterMs ?? null, rule: ruleId };
      case 'phantom':
        return { kind: 'phantom', code: rule.code ?? null, message, retryAfterMs: rule.retryAfterMs ?? null, rule: ruleId };
      case 'timeout':
        return { kind: 'timeout', rule: ruleId };
      case 'malformed':
        return { kind: 'malformed', rule: ruleId };
    }
  }

  /**
   * The `spotInterruptions` rule, drawn once per running spot machine per read: the notice period
   * (ms until the reclaim) when this machine gets a reclaim notice now, else null.
   */
  spotInterruptionNotice(target: string): number | null {
    const engine = this.control.current();
    const rule = engine?.scenario.spotInterruptions;
    if (!engine || !rule || !engine.chance('spotInterruptions', rule.probability)) return null;
    engine.record('spotInterruptions', { operation: 'list', target }, 'spot-interruption', 'SPOT_INTERRUPTED');
    return rule.noticeMs;
  }

  /** The `quirks.listLagMs` quirk: a machine created less than that long ago is missing from list answers. */
  hiddenFromList(createdAtMs: number, nowMs: number, target?: string): boolean {
    const engine = this.control.current();
    const lagMs = engine?.scenario.quirks.listLagMs;
    if (!engine || lagMs === undefined || nowMs - createdAtMs >= lagMs) return false;
    engine.record('quirks.listLagMs', { operation: 'list', ...(target !== undefined && { target }) }, 'list-lag', null);
    return true;
  }
}

/** A request that never gets an answer (the `timeout` effect): the client's own deadline ends it. */
export function neverAnswer(): Promise<never> {
  return new Promise<never>(() => {});
}
