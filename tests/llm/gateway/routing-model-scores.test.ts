import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bundledModelScores,
  type ModelScoreTable,
  ModelScoreTableSchema,
  normalizeScoreModelId,
  scoreOf,
} from '../../../src/llm/gateway/model-scores.js';
import { globMatcher } from '../../../src/llm/pricing/model-glob.js';

const raw: unknown = JSON.parse(readFileSync(new URL('../../../src/llm/gateway/model-scores.json', import.meta.url), 'utf8'));
const table = bundledModelScores();
const DATE = /^\d{4}-\d{2}-\d{2}$/;

describe('the bundled score table (model-scores.json)', () => {
  it('is a valid, dated table', () => {
    expect(ModelScoreTableSchema.safeParse(raw).success).toBe(true);
    expect(table.asOf).toMatch(DATE);
    expect(table.scale).toMatch(/quality/);
    expect(table.scale).toMatch(/safety/);
    expect(table.entries.length).toBeGreaterThanOrEqual(15);
  });

  it('gives every figure a source listed in sources, each with a title, a URL and the date it was read', () => {
    for (const entry of table.entries) {
      for (const figure of [entry.quality, entry.safety, entry.latencyMs]) {
        if (figure !== undefined) expect(Object.keys(table.sources), `${entry.match}: ${figure.source}`).toContain(figure.source);
      }
    }
    for (const [id, source] of Object.entries(table.sources)) {
      expect(source.title.length, id).toBeGreaterThan(0);
      expect(source.url.length, id).toBeGreaterThan(0);
      expect(source.retrieved, id).toMatch(DATE);
      expect(source.note.length, id).toBeGreaterThan(0);
    }
  });

  it('maps every published figure by the linear scale the table states', () => {
    const round3 = (value: number) => Math.round(value * 1000) / 1000;
    for (const entry of table.entries) {
      const quality = entry.quality;
      if (quality !== undefined && quality.source.startsWith('lmarena-')) {
        expect(typeof quality.raw).toBe('number');
        expect(quality.score, entry.match).toBe(round3(Math.min(1, Math.max(0, ((quality.raw as number) - 1000) / 500))));
      }
      const safety = entry.safety;
      if (safety !== undefined && safety.source.startsWith('giskard-')) {
        expect(safety.score, entry.match).toBe(round3((safety.raw as number) / 100));
      }
    }
  });

  it('has no entry that an entry before it shadows (first match wins, so each must be reachable)', () => {
    const matchers = table.entries.map((entry) => globMatcher(entry.match));
    table.entries.forEach((entry, index) => {
      const probe = entry.match.replaceAll('*', 'x').replaceAll('?', 'x');
      expect(matchers.findIndex((matches) => matches(probe)), entry.match).toBe(index);
    });
  });

  it('rates the mock models with synthetic, documented figures (source hangar-mock)', () => {
    expect(scoreOf(table, { provider: 'mock', model: 'mock-echo' })).toEqual({
      quality: { value: 0.5, source: 'hangar-mock' },
      safety: { value: 1, source: 'hangar-mock' },
      latencyMs: { value: 1, source: 'hangar-mock' },
    });
    expect(scoreOf(table, { provider: 'mock', model: 'mock-text' })).toEqual({
      quality: { value: 0.3, source: 'hangar-mock' },
      safety: { value: 1, source: 'hangar-mock' },
      latencyMs: { value: 1, source: 'hangar-mock' },
    });
    expect(table.sources['hangar-mock']?.note).toMatch(/synthetic|Not a measurement/i);
  });

  it('covers the main OpenAI, Anthropic and OpenRouter models', () => {
    for (const ref of [
      { provider: 'openai', model: 'gpt-4o-mini' },
      { provider: 'openai', model: 'gpt-4.1' },
      { provider: 'openai', model: 'o3' },
      { provider: 'anthropic', model: 'claude-opus-4-6' },
      { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' },
      { provider: 'openrouter', model: 'google/gemini-2.5-pro' },
      { provider: 'openrouter', model: 'deepseek/deepseek-r1' },
    ]) {
      expect(scoreOf(table, ref).quality.source, `${ref.provider}/${ref.model}`).not.toBe('unrated');
    }
  });
});

describe('scoreOf', () => {
  it("matches a vendor's id and OpenRouter's (vendor prefix removed, '.' as '-')", () => {
    expect(normalizeScoreModelId('anthropic/claude-sonnet-4.5')).toBe('claude-sonnet-4-5');
    expect(normalizeScoreModelId('claude-sonnet-4-5')).toBe('claude-sonnet-4-5');
    expect(scoreOf(table, { provider: 'anthropic', model: 'claude-3-5-sonnet-20241022' })).toEqual(scoreOf(table, { provider: 'openrouter', model: 'anthropic/claude-3.5-sonnet' }));
    expect(scoreOf(table, { provider: 'openai', model: 'gpt-4.1' })).toEqual(scoreOf(table, { provider: 'openrouter', model: 'openai/gpt-4.1' }));
  });

  it('calls a model no entry matches unrated: 0.5, source "unrated", no latency figure', () => {
    expect(scoreOf(table, { provider: 'openrouter', model: 'nobody/never-heard-of-it' })).toEqual({
      quality: { value: 0.5, source: 'unrated' },
      safety: { value: 0.5, source: 'unrated' },
      latencyMs: null,
    });
  });

  it('leaves a field its entry lacks unrated', () => {
    const score = scoreOf(table, { provider: 'openai', model: 'gpt-4o' });
    expect(score.quality).toEqual({ value: 0.5, source: 'unrated' });
    expect(score.safety.source).not.toBe('unrated');
    expect(score.latencyMs).not.toBeNull();
  });

  it('lets the first matching entry win', () => {
    const custom: ModelScoreTable = {
      asOf: '2026-01-01',
      sources: { s: { title: 't', url: 'u', retrieved: '2026-01-01', note: 'n' } },
      scale: 'test',
      entries: [
        { match: 'gpt-4o-mini', quality: { score: 0.2, raw: 2, source: 's' } },
        { match: 'gpt-4o*', quality: { score: 0.9, raw: 9, source: 's' } },
      ],
    };
    expect(scoreOf(custom, { provider: 'openai', model: 'gpt-4o-mini' }).quality.value).toBe(0.2);
    expect(scoreOf(custom, { provider: 'openai', model: 'gpt-4o-2024-05-13' }).quality.value).toBe(0.9);
    expect(scoreOf(custom, { provider: 'openrouter', model: 'openai/gpt-4o' }).quality.value).toBe(0.9);
  });

  it('refuses a table whose figure names a source it does not list', () => {
    const bad = { asOf: '2026-01-01', sources: {}, scale: 'x', entries: [{ match: 'a', quality: { score: 0.5, raw: 1, source: 'nowhere' } }] };
    const result = ModelScoreTableSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['entries', 0, 'quality', 'source']);
  });
});
