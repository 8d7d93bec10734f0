import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requires } from '../auth/api-scopes.js';
import { type ScaffoldService, ScaffoldRequestSchema } from '../governance/scaffold-service.js';
import { errorResponses, JSON_BODY_ERRORS } from '../openapi/error-responses.js';
import { jsonRequestBody } from '../openapi/json-request-body.js';
import { readJsonBody } from '../request-parsing.js';

const FILE_ACTIONS = ['create', 'unchanged', 'kept'] as const;

const ScaffoldAnswerSchema = z
  .object({
    vendor: z.string(),
    capability: z.literal('compute'),
    dryRun: z.boolean().openapi({ description: 'True under CI=true: nothing was written or run; the actions say what would happen' }),
    root: z.string().openapi({ description: 'The source checkout written into' }),
    files: z.array(
      z.object({
        path: z.string(),
        action: z.enum(FILE_ACTIONS).openapi({ description: 'create: written (would be, in a dry run); unchanged: already as generated; kept: edited by someone, never overwritten' }),
      }),
    ),
    factory: z.object({ path: z.string(), action: z.enum(['insert', 'unchanged', 'kept']), reason: z.string().nullable() }).openapi({ description: 'The PROVIDER_FACTORIES entry in src/provider-factories.ts' }),
    conformance: z
      .object({
        summary: z.object({ total: z.number().int(), passed: z.number().int(), failed: z.number().int(), skipped: z.number().int() }),
        pass: z.boolean(),
        report: z.string().openapi({ description: '<dataDir>/reports/conformance/compute-<vendor>.json' }),
        written: z.boolean().openapi({ description: 'False when the file already held this outcome' }),
      })
      .nullable()
      .openapi({ description: 'The conformance kit over the generated provider; null in a dry run or when it could not run (see notes)' }),
    providersFile: z
      .object({
        path: z.string(),
        format: z.enum(['json', 'yaml']),
        adapterRecorded: z.enum(['added', 'unchanged']),
        mapped: z.enum(['added', 'unchanged', 'not_requested']),
      })
      .nullable()
      .openapi({ description: 'The providers file (PROVIDERS_CONFIG_PATH); null when none is configured or it was left alone (see notes)' }),
    notes: z.array(z.string()),
    nextSteps: z.array(z.string()),
  })
  .openapi('ProviderScaffold');

const scaffoldRoute = createRoute({
  method: 'post',
  path: '/self/providers/scaffold',
  security: requires('admin'),
  tags: ['governance'],
  summary: 'Generate a new compute adapter’s skeleton in the source checkout, register its kind, run the conformance kit on it and record it in the providers file (admin; idempotent; a dry run under CI=true)',
  request: {
    body: jsonRequestBody(ScaffoldRequestSchema, {
      description: '`{capability: compute, vendor, config?: {...the adapter settings}, map?: false}`; `llm_gateway` is refused (LLM providers are configured, not generated)',
      required: true,
    }),
  },
  responses: {
    200: { description: 'What was generated (or would be, in a dry run), the conformance summary and what remains for a human', content: { 'application/json': { schema: ScaffoldAnswerSchema } } },
    ...errorResponses(JSON_BODY_ERRORS, {
      409: ['NOT_A_SOURCE_CHECKOUT', 'PROVIDER_KIND_EXISTS', 'SCAFFOLD_IN_PROGRESS'],
      422: ['INVALID_VENDOR', 'SCAFFOLD_UNSUPPORTED'],
    }),
  },
});

/** The provider scaffold (docs/governance.md): admin, served only from a source checkout. */
export function scaffoldRoutes(service: ScaffoldService): OpenAPIHono {
  return new OpenAPIHono().openapi(scaffoldRoute, async (c) => c.json(await service.scaffold(await readJsonBody(c)), 200));
}
