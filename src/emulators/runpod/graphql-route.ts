import { type DocumentNode, execute, getOperationAST, GraphQLError, Kind, parse, validate } from 'graphql';
import type { Hono } from 'hono';
import type { ChaosCall } from '../../chaos/chaos-engine.js';
import { type EmulatorChaos, type EmulatorFault, neverAnswer } from '../shared/emulator-chaos.js';
import { apiKeyOf, keyAccess, reaches } from './api-key.js';
import { graphqlRoot } from './graphql-resolvers.js';
import { runPodGraphqlSchema } from './graphql-schema.js';
import { GRAPHQL_FAULT_MESSAGES } from './problem-response.js';
import type { RateLimitWindows } from './rate-limit-windows.js';
import type { RunPodEmulatorState } from './runpod-emulator-state.js';

function graphqlResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

const errorsOnly = (message: string) => ({ errors: [{ message }] });

/** The chaos operation a document stands for, from its root fields. */
function chaosCallOf(document: DocumentNode, variables: Record<string, unknown> | undefined): ChaosCall | null {
  const input = (variables?.input ?? {}) as { gpuTypeId?: unknown; dataCenterId?: unknown; podId?: unknown };
  const target = typeof input.podId === 'string' ? { target: input.podId } : {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const selection of definition.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      switch (selection.name.value) {
        case 'podRentInterruptable':
        case 'podFindAndDeployOnDemand':
          return {
            operation: 'spawn',
            spot: selection.name.value === 'podRentInterruptable',
            ...(typeof input.gpuTypeId === 'string' && { instanceType: input.gpuTypeId }),
            ...(typeof input.dataCenterId === 'string' && { region: input.dataCenterId }),
          };
        case 'podTerminate':
          return { operation: 'terminate', ...target };
        case 'pod':
          return { operation: 'get', ...target };
        case 'myself':
          return { operation: 'list' };
      }
    }
  }
  return null;
}

/**
 * `POST /graphql`. Like RunPod: a bad key is HTTP 401, everything the server could read is HTTP
 * 200 with GraphQL's `{data, errors}` envelope, errors included. Rate limiting (undocumented for
 * GraphQL) answers 429 with Retry-After when configured; a read-only key's mutation 403.
 */
export function mountGraphqlRoute(app: Hono, ctx: { state: RunPodEmulatorState; chaos: EmulatorChaos; limits: RateLimitWindows }): void {
  // Once RunPod removes interruptable rentals, the mutation and its input type are gone from the schema.
  const schemas = { offered: runPodGraphqlSchema({ interruptable: true }), removed: runPodGraphqlSchema({ interruptable: false }) };
  const rootValue = graphqlRoot(ctx.state);

  app.post('/graphql', async (c) => {
    const key = apiKeyOf(c.req.raw);
    const access = keyAccess(ctx.state, key);
    if (key === null || access === null) return graphqlResponse(errorsOnly('Unauthorized'), 401);
    const verdict = ctx.limits.take(key);
    if (!verdict.allowed) {
      return graphqlResponse(errorsOnly('Too many requests: rate limit exceeded'), 429, { ...verdict.headers, 'Retry-After': String(verdict.retryAfterSeconds) });
    }
    // A key restricted to other resources (an emulator assumption for GraphQL, as for a read-only key's mutation: HTTP 403).
    if (!reaches(ctx.state, key, '/graphql')) return graphqlResponse(errorsOnly('access denied: this API key does not grant access to GraphQL'), 403, verdict.headers);
    let request: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      request = (await c.req.json()) as typeof request;
    } catch {
      return graphqlResponse(errorsOnly('POST body must be JSON: {"query": "..."}'), 400);
    }
    if (typeof request.query !== 'string') return graphqlResponse(errorsOnly('"query" must be a string'), 400);
    const variables = typeof request.variables === 'object' && request.variables !== null ? (request.variables as Record<string, unknown>) : undefined;
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return graphqlResponse({ errors: [error instanceof GraphQLError ? error.toJSON() : { message: String(error) }] });
    }
    const schema = ctx.state.interruptable === 'removed' ? schemas.removed : schemas.offered;
    const invalid = validate(schema, document);
    if (invalid.length > 0) return graphqlResponse({ errors: invalid.map((error) => error.toJSON()) });
    const operationName = typeof request.operationName === 'string' ? request.operationName : undefined;
    // A key scoped to reads (an emulator assumption for GraphQL: HTTP 403, as REST v2 answers a scoped key).
    if (access === 'read' && getOperationAST(document, operationName)?.operation === 'mutation') {
      return graphqlResponse(errorsOnly('access denied: this API key does not grant write access'), 403, verdict.headers);
    }
    const run = async () => {
      const result = await execute({
        schema,
        document,
        rootValue,
        variableValues: variables,
        operationName,
      });
      return graphqlResponse(result);
    };
    const chaosCall = chaosCallOf(document, variables);
    const fault = chaosCall === null ? null : await ctx.chaos.before(chaosCall);
    return fault === null ? run() : graphqlFault(fault, run);
  });
}

async function graphqlFault(fault: EmulatorFault, run: () => Promise<Response>): Promise<Response> {
  switch (fault.kind) {
    case 'timeout':
      return neverAnswer();
    case 'malformed':
      await run();
      return new Response('{"data": {"pod', { status: 200, headers: { 'content-type': 'application/json' } });
    case 'phantom':
    case 'error': {
      if (fault.kind === 'phantom') await run();
      if (fault.code === null) return new Response('upstream connect error', { status: 502, headers: { 'content-type': 'text/plain' } });
      const message = `${GRAPHQL_FAULT_MESSAGES[fault.code]} (${fault.message})`;
      if (fault.code === 'AUTH_ERROR') return graphqlResponse(errorsOnly(message), 401);
      if (fault.code === 'RATE_LIMIT_ERROR') {
        return graphqlResponse(errorsOnly(message), 429, { 'Retry-After': String(Math.max(1, Math.ceil((fault.retryAfterMs ?? 1000) / 1000))) });
      }
      return graphqlResponse({ data: null, errors: [{ message }] });
    }
  }
}
