import type { Hono } from 'hono';
import { EMULATOR_USER_ID, type OpenRouterEmulatorEnv } from './emulator-context.js';
import type { OpenRouterEmulatorState } from './openrouter-emulator-state.js';

export const KEY_PATH = '/api/v1/key';

/** The label OpenRouter shows for a key: its public prefix and last three characters, never the key. */
function label(key: string): string {
  return `sk-or-v1-...${key.length > 12 ? key.slice(-3) : ''}`;
}

/**
 * `GET /api/v1/key`: the calling key's spend and what is left of the account's credit (`limit` is
 * the balance the account started with; null when unlimited). Spend is not split by day, week or
 * month: the emulator's account lives for one run, so every window equals the total.
 */
export function mountKeyRoute(app: Hono<OpenRouterEmulatorEnv>, state: OpenRouterEmulatorState): void {
  app.get(KEY_PATH, (c) => {
    const usage = state.usageUsd;
    return c.json({
      data: {
        label: label(c.get('apiKey')),
        limit: state.options.creditsUsd,
        limit_remaining: state.creditsUsd,
        limit_reset: null,
        include_byok_in_limit: false,
        usage,
        usage_daily: usage,
        usage_weekly: usage,
        usage_monthly: usage,
        byok_usage: 0,
        byok_usage_daily: 0,
        byok_usage_weekly: 0,
        byok_usage_monthly: 0,
        is_free_tier: false,
        is_management_key: false,
        is_provisioning_key: false,
        creator_user_id: EMULATOR_USER_ID,
        expires_at: null,
        rate_limit: { requests: -1, interval: '10s', note: 'This field is deprecated and safe to ignore.' },
      },
    });
  });
}
