import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ModelRef } from '../core/canonical-types.js';
import { globMatcher } from '../pricing/model-glob.js';

/**
 * Quality, safety and latency figures per model, for the router: a dated table (model-scores.json,
 * hand-kept) of public figures, each with its source, mapped to 0..1 by the linear scale the table
 * states. A model no entry matches, or a field its entry leaves out, is unrated: 0.5 (neither
 * rewarded nor punished) with source "unrated". Figures are never invented: a model without a public
 * figure stays unrated.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const SourceIdSchema = z.string().min(1);
const FigureSchema = z.object({ score: z.number().min(0).max(1), raw: z.union([z.number(), z.string()]), source: SourceIdSchema }).strict();

export const ModelScoreTableSchema = z
  .object({
    asOf: z.string().regex(DATE),
    sources: z.record(SourceIdSchema, z.object({ title: z.string().min(1), url: z.string().min(1), retrieved: z.string().regex(DATE), note: z.string() }).strict()),
    scale: z.string().min(1),
    entries: z.array(
      z
        .object({
          /** A glob (`*`, `?`) over the normalized model id (normalizeScoreModelId). */
          match: z.string().min(1),
          quality: FigureSchema.optional(),
          safety: FigureSchema.optional(),
          latencyMs: z.object({ p50: z.number().nonnegative(), source: SourceIdSchema }).strict().optional(),
          note: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((table, ctx) => {
    table.entries.forEach((entry, index) => {
      for (const field of ['quality', 'safety', 'latencyMs'] as const) {
        const source = entry[field]?.source;
        if (source !== undefined && !Object.hasOwn(table.sources, source)) {
          ctx.addIssue({ code: 'custom', path: ['entries', index, field, 'source'], message: `source "${source}" is not in sources` });
        }
      }
    });
  });
export type ModelScoreTable = z.infer<typeof ModelScoreTableSchema>;
export type ModelScoreEntry = ModelScoreTable['entries'][number];

export interface ScoreValue {
  value: number;
  source: string;
}

export interface ModelScore {
  quality: ScoreValue;
  safety: ScoreValue;
  /** The table's latency figure, or null when it has none (the latency tracker then uses its default). */
  latencyMs: ScoreValue | null;
}

export const UNRATED_SCORE = 0.5;
const UNRATED: ScoreValue = Object.freeze({ value: UNRATED_SCORE, source: 'unrated' });

/**
 * The id the table's patterns match: any `vendor/` prefix removed (up to the last slash) and `.`
 * written `-`, lowercased, so anthropic's `claude-sonnet-4-5` and OpenRouter's
 * `anthropic/claude-sonnet-4.5` are both `claude-sonnet-4-5`.
 */
export function normalizeScoreModelId(model: string): string {
  return model
    .slice(model.lastIndexOf('/') + 1)
    .replaceAll('.', '-')
    .toLowerCase();
}

interface CompiledTable {
  matchers: ((id: string) => boolean)[];
  byId: Map<string, ModelScore>;
}

const compiled = new WeakMap<ModelScoreTable, CompiledTable>();

function compile(table: ModelScoreTable): CompiledTable {
  let entry = compiled.get(table);
  if (entry === undefined) {
    entry = { matchers: table.entries.map((row) => globMatcher(row.match.toLowerCase())), byId: new Map() };
    compiled.set(table, entry);
  }
  return entry;
}

/**
 * The figures for a model: the first entry whose pattern matches its normalized id wins (so the
 * table lists specific patterns before broad ones). Patterns compile once per table (tables are
 * treated as immutable) and answers are memoized per normalized id.
 */
export function scoreOf(table: ModelScoreTable, ref: ModelRef): ModelScore {
  const { matchers, byId } = compile(table);
  const id = normalizeScoreModelId(ref.model);
  let score = byId.get(id);
  if (score === undefined) {
    const index = matchers.findIndex((matches) => matches(id));
    const row = index >= 0 ? table.entries[index] : undefined;
    score = Object.freeze({
      quality: row?.quality ? Object.freeze({ value: row.quality.score, source: row.quality.source }) : UNRATED,
      safety: row?.safety ? Object.freeze({ value: row.safety.score, source: row.safety.source }) : UNRATED,
      latencyMs: row?.latencyMs ? Object.freeze({ value: row.latencyMs.p50, source: row.latencyMs.source }) : null,
    });
    byId.set(id, score);
  }
  return score;
}

/** Validates a score table (an operator's own, say): the table, or the zod error naming each issue. */
export function parseModelScoreTable(input: unknown): ModelScoreTable {
  return ModelScoreTableSchema.parse(input);
}

let bundled: ModelScoreTable | undefined;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The bundled table (model-scores.json beside this file), read and validated once, on first use,
 * then frozen. Read as a file rather than imported as a JSON module, like the bundled catalog: a JSON
 * import would have tsc infer a type for it; should src/llm join the build, the JSON is copied beside
 * the compiled file.
 */
export function bundledModelScores(): ModelScoreTable {
  bundled ??= deepFreeze(parseModelScoreTable(JSON.parse(readFileSync(new URL('./model-scores.json', import.meta.url), 'utf8'))));
  return bundled;
}
