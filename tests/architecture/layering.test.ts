import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Lints with the repository's config, keeping only the layering rule (the import graph of docs/architecture.md). */
function layeringLinter(): ESLint {
  return new ESLint({ cwd: root, ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' });
}

const problems = (results: ESLint.LintResult[]) =>
  results.flatMap((result) => result.messages.map((message) => `${result.filePath.slice(root.length)}:${message.line} ${message.message}`));

describe('the layering rules (eslint no-restricted-imports per folder)', () => {
  it('src keeps to them', { timeout: 120_000 }, async () => {
    expect(problems(await layeringLinter().lintFiles(['src/**/*.ts', 'src/**/*.tsx']))).toEqual([]);
  });

  it.each([
    ['src/llm/core/probe.ts', "import { sleep } from '../transport/json-transport.js';", 'src/llm/core may import only itself'],
    ['src/llm/adapters/openai/probe.ts', "import { JsonTransport } from '../../transport/json-transport.js';", 'src/llm/adapters may import only itself, core'],
    ['src/llm/runtime/probe.ts', "import { OWNERSHIP_TAGS } from '../../contracts/index.js';", 'imports nothing of Hangar outside src/llm'],
    ['src/readiness/probe.ts', "import { planOffers } from '../placement/offer-planner.js';", 'readiness and placement are siblings'],
    ['src/placement/probe.ts', "import { ApiError } from '../control-plane/api-error.js';", 'placement is called by the control plane'],
    ['src/providers/aws/probe.ts', "import { ApiError } from '../../control-plane/api-error.js';", 'only the composition root and tests see the control plane'],
    ['src/contracts/probe.ts', "import { withDeadline } from '../lib/with-deadline.js';", 'contracts import nothing of ours'],
  ])('bites: %s with a forbidden import', async (filePath, code, because) => {
    const [result] = await layeringLinter().lintText(`${code}\nexport const used = 1;\n`, { filePath: `${root}${filePath}` });
    expect(result?.messages.map((message) => message.message).join('\n')).toContain(because);
  });
});
