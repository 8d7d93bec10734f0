import { z } from 'zod';

/** The adapter families Hangar ships; a provider entry names one as its `kind`. */
export const LLM_PROVIDER_KINDS = ['openai', 'anthropic', 'openrouter', 'mock'] as const;
export type LlmProviderKind = (typeof LLM_PROVIDER_KINDS)[number];

const ProviderName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'LLM provider names are 1-32 lowercase letters, digits and hyphens');
const EnvName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name (A-Z, 0-9, _)');

/**
 * One LLM provider. The name is the provider id models are routed by (`openai/gpt-4o-mini`); the
 * kind is the adapter that speaks to it, and defaults to the name when the name is a kind. Another
 * name with kind `openai` is an OpenAI-compatible gateway (a LiteLLM proxy, vLLM) at `baseUrl`.
 * The key is read from `apiKeyEnv` at every call (so a rotated key is picked up), never from the file.
 */
export const LlmProviderSettingsSchema = z
  .object({
    kind: z.enum(LLM_PROVIDER_KINDS).optional(),
    enabled: z.boolean().default(true),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Default `<NAME>_API_KEY` (OPENAI_API_KEY, ANTHROPIC_API_KEY, OPENROUTER_API_KEY, LITELLM_API_KEY, …). */
    apiKeyEnv: EnvName.optional(),
    /** The model the readiness execution probe calls (default: a small model of the provider, see llm-providers.ts). */
    probeModel: z.string().min(1).optional(),
    /** Read the provider's `GET /models` at start and route over what it lists too (default: on for a gateway the catalog does not know). */
    discover: z.boolean().optional(),
  })
  .strict();
export type LlmProviderSettings = z.infer<typeof LlmProviderSettingsSchema>;

/** The LLM gateway's settings (docs/llm-gateway.md). */
export const LlmSettingsSchema = z
  .object({
    /** The LLM providers; none enabled → the offline `mock` provider alone (the quickstart's default). */
    providers: z.record(ProviderName, LlmProviderSettingsSchema).default({}),
    /** The routing policy file; `MODELS_POLICY_PATH` overrides; default `<dataDir>/models/policy.json`. */
    policyPath: z.string().min(1).optional(),
    /** Readiness probes that spend money (one tiny completion each) stay within this many USD per UTC day, all providers together. */
    probeDailyBudgetUsd: z.number().nonnegative().default(0.05),
    /** The execution probe's output tokens (reasoning models get at least 64). */
    probeMaxOutputTokens: z.number().int().min(1).max(1024).default(16),
    /** Between two tries of one model (the ladder's retries): full jitter from base, doubling, up to max; a vendor's Retry-After wins. */
    retryBaseDelayMs: z.number().int().nonnegative().default(500),
    retryMaxDelayMs: z.number().int().nonnegative().default(8_000),
    /** One model call's deadline, and a whole generate call's (retries and escalations included). */
    attemptTimeoutMs: z.number().int().positive().default(60_000),
    deadlineMs: z.number().int().positive().default(180_000),
    /** Decisions (and their attempts, escalations and evals) older than this, or past the newest `decisionMaxRows`, are dropped. */
    decisionRetentionMs: z.number().int().positive().default(7 * 24 * 3_600_000),
    decisionMaxRows: z.number().int().min(100).default(10_000),
    /** OTLP/HTTP traces endpoint (e.g. http://127.0.0.1:4318); unset → spans are no-ops. `OTEL_EXPORTER_OTLP_ENDPOINT` sets it too. */
    otlpEndpoint: z.url({ protocol: /^https?$/ }).optional(),
  })
  .strict()
  .refine((settings) => settings.retryMaxDelayMs >= settings.retryBaseDelayMs, { message: 'retryMaxDelayMs must be at least retryBaseDelayMs', path: ['retryMaxDelayMs'] });
export type LlmSettings = z.infer<typeof LlmSettingsSchema>;
