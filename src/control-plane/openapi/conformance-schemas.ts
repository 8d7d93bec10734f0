import { z } from '@hono/zod-openapi';
import { CONFORMANCE_CAPABILITIES } from '../../governance/conformance/index.js';
import { CONFORMANCE_TARGETS } from '../governance/conformance-spend-guard.js';

/** The JSON of the conformance routes (snake_case, as the stored report files). */

const CaseSchema = z.object({
  id: z.string().openapi({ example: 'idempotent-spawn' }),
  title: z.string(),
  status: z.enum(['passed', 'failed', 'skipped']),
  reason: z.string().optional().openapi({ description: 'Why the case was skipped (e.g. the provider’s reason for an unsupported flag)' }),
  error: z.string().optional().openapi({ description: 'Why the case failed' }),
  error_class: z.string().optional().openapi({ description: 'The failure’s class: a taxonomy code, TIMEOUT, or the error’s name' }),
  latency_ms: z.number().nonnegative(),
  attempts: z.number().int().nonnegative().openapi({ description: 'Tries of every adapter call the case made' }),
});

export const ConformanceReportSchema = z
  .object({
    run_id: z.string(),
    target: z.enum(CONFORMANCE_TARGETS),
    capability: z.enum(CONFORMANCE_CAPABILITIES),
    adapter: z.string(),
    pass: z.boolean().openapi({ description: 'True when the adapter ran and no case failed (and, for compute, no machine of the run is left)' }),
    skipped: z.string().optional().openapi({ description: 'Set when the adapter was not run, with why (spend not allowed, not loopback under target emulator)' }),
    metrics: z.object({ latency_ms: z.number().nonnegative(), attempts: z.number().int().nonnegative() }),
    cases: z.array(CaseSchema),
    errors: z.array(z.string()).openapi({ description: 'The failed cases’ messages, `<case id>: <why>`' }),
    isolation: z
      .object({ owners: z.array(z.string()), remaining: z.number().int().nonnegative() })
      .optional()
      .openapi({ description: 'Compute: the owners the run’s machines carried (never the control plane’s own), and the live machines still carrying them after cleanup' }),
    created_at: z.iso.datetime(),
  })
  .openapi('ConformanceReport');

export const ConformanceRunAnswerSchema = z
  .object({
    run_id: z.string(),
    target: z.enum(CONFORMANCE_TARGETS),
    summary: z.object({
      total: z.number().int().nonnegative(),
      passed: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative().openapi({ description: 'Adapters not run (each report says why)' }),
    }),
    reports: z.array(ConformanceReportSchema),
  })
  .openapi('ConformanceRunAnswer');

export const ConformanceReportsAnswerSchema = z.object({ reports: z.array(ConformanceReportSchema) }).openapi('ConformanceReports');
