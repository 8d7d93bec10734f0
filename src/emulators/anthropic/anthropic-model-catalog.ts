/**
 * The models the emulator serves. Limits follow Anthropic's model overview for these models; a
 * request may name a model by its id or by its alias (the id without the date), and the answer
 * names the dated id, as the real API does.
 */
export interface EmulatedModel {
  readonly id: string;
  /** The undated name that resolves to this model, if any. */
  readonly alias?: string;
  readonly displayName: string;
  /** RFC 3339; the list is newest first. */
  readonly createdAt: string;
  /** Input tokens at most (the emulator's token estimate is compared with it). */
  readonly contextWindow: number;
  /** The largest `max_tokens` the model takes. */
  readonly maxOutputTokens: number;
  /** Extended thinking (`thinking: {type: "enabled"}`). */
  readonly thinking: boolean;
}

export const DEFAULT_EMULATED_MODELS: readonly EmulatedModel[] = [
  { id: 'claude-opus-4-5-20251101', alias: 'claude-opus-4-5', displayName: 'Claude Opus 4.5', createdAt: '2025-11-24T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 64_000, thinking: true },
  { id: 'claude-haiku-4-5-20251001', alias: 'claude-haiku-4-5', displayName: 'Claude Haiku 4.5', createdAt: '2025-10-15T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 64_000, thinking: true },
  { id: 'claude-sonnet-4-5-20250929', alias: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5', createdAt: '2025-09-29T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 64_000, thinking: true },
  { id: 'claude-opus-4-1-20250805', alias: 'claude-opus-4-1', displayName: 'Claude Opus 4.1', createdAt: '2025-08-05T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 32_000, thinking: true },
  { id: 'claude-3-7-sonnet-20250219', alias: 'claude-3-7-sonnet-latest', displayName: 'Claude Sonnet 3.7', createdAt: '2025-02-24T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 64_000, thinking: true },
  { id: 'claude-3-5-haiku-20241022', alias: 'claude-3-5-haiku-latest', displayName: 'Claude Haiku 3.5', createdAt: '2024-10-22T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 8192, thinking: false },
  { id: 'claude-3-haiku-20240307', displayName: 'Claude Haiku 3', createdAt: '2024-03-07T00:00:00Z', contextWindow: 200_000, maxOutputTokens: 4096, thinking: false },
];

/** Looks models up by id or alias; lists them newest first. */
export class AnthropicModelCatalog {
  private readonly byName = new Map<string, EmulatedModel>();
  readonly newestFirst: readonly EmulatedModel[];

  constructor(models: readonly EmulatedModel[]) {
    for (const model of models) {
      this.byName.set(model.id, model);
      if (model.alias !== undefined) this.byName.set(model.alias, model);
    }
    this.newestFirst = [...models].sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : b.createdAt.localeCompare(a.createdAt)));
  }

  find(name: string): EmulatedModel | undefined {
    return this.byName.get(name);
  }
}

/** A model as `GET /v1/models` lists it: the 2024 fields plus the limits newer answers carry. */
export function modelJson(model: EmulatedModel): Record<string, unknown> {
  return {
    type: 'model',
    id: model.id,
    display_name: model.displayName,
    created_at: model.createdAt,
    max_input_tokens: model.contextWindow,
    max_tokens: model.maxOutputTokens,
  };
}
