import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecAddition } from './anthropic-spec.js';

export const FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'anthropic');

interface FixtureBase {
  name: string;
  description: string;
  /** The newer-than-the-document features the vendor side uses (anthropic-spec.ts); empty: the document as stored. */
  specAdditions: SpecAddition[];
}

/** A canonical request and the exact body the encoder must write for it. */
export interface RequestFixture extends FixtureBase {
  canonical: unknown;
  vendor: unknown;
  warnings: { code: string; message: string }[];
  jsonTool: string | null;
}

/** A vendor answer and the exact canonical response the decoder must give, in its context. */
export interface ResponseFixture extends FixtureBase {
  context: { model: { provider: string; model: string }; jsonTool?: string | null; warnings?: { code: string; message: string }[] };
  vendor: unknown;
  canonical: unknown;
}

/** An error answer and the ProviderError it must become. */
export interface ErrorFixture extends FixtureBase {
  status: number;
  headers: Record<string, string>;
  vendor: unknown;
  expected: { code: string; retryable: boolean; status: number; retryAfterMs: number | null; message: string };
}

function load<T>(prefix: string): T[] {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .sort()
    .map((file) => ({ name: file.replace(/\.json$/, ''), ...(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as object) }) as T);
}

export const requestFixtures = (): RequestFixture[] => load<RequestFixture>('request-');
export const responseFixtures = (): ResponseFixture[] => load<ResponseFixture>('response-');
export const errorFixtures = (): ErrorFixture[] => load<ErrorFixture>('error-');
