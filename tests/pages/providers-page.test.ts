import { existsSync, mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/contracts/index.js';
import { ScriptedProbes } from '../control-plane/support/scripted-probes.js';
import { type TestControlPlane, startTestControlPlane } from '../control-plane/support/test-control-plane.js';

/**
 * The /providers page in real headless Chromium, against a control plane served over HTTP. Every
 * provider row is compared with the API's JSON fetched in the same test; the "Run validation" button
 * is driven with JavaScript (it must call the JSON API) and without (the form posts to /providers/run).
 */

const CHROMIUM = '/usr/bin/chromium';
const SKIP_REASON = `skipped: ${CHROMIUM} is missing (install it with \`apt-get install -y chromium\`; .ci/run does)`;
const SCREENSHOT = join(import.meta.dirname, '..', '..', 'reports', 'providers-page.png');
const API = '/api/automation/usage/provider-validation';

interface StatusRow {
  provider: string;
  ready: boolean;
  last_validated_at: string | null;
  last_successful_execution_at: string | null;
  last_failure_at: string | null;
  failure_rate_24h: number;
  retry_count_24h: number;
  escalation_count_24h: number;
  last_error_class: string | null;
}
interface Status {
  required_providers: string[];
  summary: { ready: number; not_ready: number };
  providers: StatusRow[];
}
interface Check {
  check: string;
  passed: boolean | null;
  detail: string;
}
interface Result {
  run_id: string;
  provider: string;
  passed: boolean;
  checks: Check[];
}
interface Evidence {
  history: Result[];
  escalations: { instance_id: string; placement_id: string; evidence: string }[];
}
interface Run {
  run_id: string;
  mode: string;
  providers: { provider: string; passed: boolean }[];
}

/** The human form the page must print for each field of a status row (the API's value, the page's words). */
const HUMAN: Record<keyof StatusRow, (value: never) => string> = {
  provider: (value: string) => value,
  ready: (value: boolean) => (value ? 'ready' : 'not ready'),
  last_validated_at: (value: string | null) => value ?? 'never',
  last_successful_execution_at: (value: string | null) => value ?? 'never',
  last_failure_at: (value: string | null) => value ?? 'never',
  failure_rate_24h: (value: number) => `${Number((value * 100).toFixed(2))}%`,
  retry_count_24h: (value: number) => String(value),
  escalation_count_24h: (value: number) => String(value),
  last_error_class: (value: string | null) => value ?? 'none',
};

let cp: TestControlPlane | undefined;
let server: Server | undefined;
let browser: Browser | undefined;
let base = '';
const probes = new ScriptedProbes();

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** A page that records every request it makes and every console error (a CSP violation is one). */
async function openPage(javaScriptEnabled: boolean): Promise<{ page: Page; requests: string[]; errors: string[] }> {
  const context = await browser!.newContext({ javaScriptEnabled, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(`${request.method()} ${request.url()}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { page, requests, errors };
}

/** The control plane, its history (two runs and an escalation) and Chromium. */
async function setUp(): Promise<void> {
  const rateLimited = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'faulty', message: 'slow down', retryAfterMs: 5 });
  // faulty: a full run that passes after one retry, then (after an escalation) quick runs refused with AUTH_ERROR.
  probes.authScript = [rateLimited, 'ok on the second try'];
  cp = await startTestControlPlane({
    faultyReadiness: probes,
    settings: { readiness: { retry: { attempts: 3, windowMs: 2_000, minDelayMs: 5 }, probeTimeoutMs: 2_000 } },
  });
  await cp.plane.ctx.registry.warmCatalogs();
  server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: cp!.plane.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(listening as Server)) as Server;
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect((await post(`${API}/run`, { mode: 'full' })).status).toBe(200);
  // An escalation away from faulty: its spawn refused for capacity, placement moves on to orbstack.
  cp.faulty.nextSpawnFault = new ProviderError({ code: 'CAPACITY_ERROR', provider: 'faulty', message: 'scripted: no capacity' });
  expect((await post('/v1/instances', { requirements: { vcpus: { min: 2, max: 2 }, regions: ['local-1'] } })).status).toBe(202);
  probes.authScript = [new ProviderError({ code: 'AUTH_ERROR', provider: 'faulty', message: 'key revoked <b>now</b>' })];
  probes.authCalls = 0;
  expect((await post(`${API}/run`, { mode: 'quick' })).status).toBe(200);

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

beforeAll(async () => {
  // Without Chromium nothing starts, and every case skips with SKIP_REASON, printed once here too.
  if (existsSync(CHROMIUM)) await setUp();
  else process.stderr.write(`tests/pages/providers-page.test.ts: ${SKIP_REASON}\n`);
}, 45_000);

afterAll(async () => {
  await browser?.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
  }
  await cp?.close();
});

describe('GET /providers in headless Chromium', { timeout: 60_000 }, () => {
  it('shows every provider row exactly as the API answers it, with the failure history, escalations and latest runs', async (ctx) => {
    if (!browser) ctx.skip(SKIP_REASON);
    const { page, requests, errors } = await openPage(true);
    const response = await page.goto(`${base}/providers`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
    const status = await api<Status>(API);

    // Every row, every cell: the API's value as JSON in data-value, and its human form as the text.
    const rows = await page.$$eval('#providers tbody tr', (trs) =>
      trs.map((tr) => ({
        provider: tr.getAttribute('data-provider'),
        cells: Object.fromEntries(
          [...tr.querySelectorAll('[data-field]')].map((cell) => [cell.getAttribute('data-field'), { value: cell.getAttribute('data-value'), text: cell.textContent?.trim() }]),
        ),
      })),
    );
    expect(rows.map((row) => row.provider)).toEqual(status.providers.map((row) => row.provider));
    expect(status.providers.map((row) => row.provider)).toEqual(['faulty', 'mock', 'orbstack']);
    for (const [index, expected] of status.providers.entries()) {
      const row = rows[index]!;
      for (const field of Object.keys(HUMAN) as (keyof StatusRow)[]) {
        const cell = row.cells[field];
        expect(cell, `${expected.provider}.${field}`).toBeDefined();
        expect(JSON.parse(cell!.value ?? 'undefined'), `${expected.provider}.${field} value`).toEqual(expected[field]);
        expect(cell!.text, `${expected.provider}.${field} text`).toBe(HUMAN[field](expected[field] as never));
      }
      expect(JSON.parse(row.cells.required!.value!)).toBe(status.required_providers.includes(expected.provider));
    }
    expect(await page.getAttribute('#summary', 'data-ready')).toBe(String(status.summary.ready));
    expect(await page.getAttribute('#summary', 'data-not-ready')).toBe(String(status.summary.not_ready));
    // The history this test made: faulty retried once, escalated once, and its latest (quick) run failed.
    const faulty = status.providers.find((row) => row.provider === 'faulty')!;
    expect(faulty).toMatchObject({ ready: false, last_error_class: 'AUTH_ERROR', failure_rate_24h: 0.5, retry_count_24h: 1, escalation_count_24h: 1 });
    expect(status.providers.find((row) => row.provider === 'orbstack')).toMatchObject({ ready: true, last_error_class: null });

    // Failure history and escalations, per provider, as GET …/providers/:provider answers them.
    for (const { provider } of status.providers) {
      const evidence = await api<Evidence>(`${API}/providers/${provider}`);
      const section = page.locator(`section[data-provider-section="${provider}"]`);
      const failed = evidence.history.filter((result) => !result.passed);
      expect(await section.locator('table.failures tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(failed.map((result) => result.run_id));
      for (const result of failed) {
        const checks = section.locator(`table.failures tr[data-run="${result.run_id}"] li[data-check]`);
        const texts = await checks.allTextContents();
        expect(texts).toHaveLength(result.checks.length);
        // Each check's detail, escaped as text (the scripted message carries markup).
        result.checks.forEach((check, at) => expect(texts[at]).toContain(check.detail));
      }
      const links = await section.locator('table.escalations a').evaluateAll((anchors) => anchors.map((anchor) => anchor.getAttribute('href')));
      expect(links).toEqual(evidence.escalations.map((escalation) => escalation.evidence));
    }
    expect(await page.locator('section[data-provider-section="faulty"] table.failures li[data-check="auth_probe"]').first().textContent()).toContain('key revoked <b>now</b>');

    // The latest runs, as the API pages them.
    const runs = await api<{ items: Run[] }>(`${API}/runs?limit=10`);
    expect(await page.locator('#runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-run')))).toEqual(runs.items.map((run) => run.run_id));

    // Nothing but this origin was asked for, and nothing broke (a CSP violation would be a console error).
    expect(requests.filter((request) => !request.split(' ')[1]!.startsWith(`${base}/`))).toEqual([]);
    expect(errors).toEqual([]);

    // The escalation's link opens its placement decision (last: the JSON page it opens asks for an icon the API does not have).
    const escalation = (await api<Evidence>(`${API}/providers/faulty`)).escalations[0]!;
    const [placement] = await Promise.all([page.waitForResponse((answer) => answer.url().endsWith(escalation.evidence)), page.click(`a[href="${escalation.evidence}"]`)]);
    expect(((await placement.json()) as { id: string }).id).toBe(escalation.placement_id);
  });

  it('"Run validation" posts JSON to the API and opens the new run highlighted', async (ctx) => {
    if (!browser) ctx.skip(SKIP_REASON);
    const { page, requests, errors } = await openPage(true);
    await page.goto(`${base}/providers`);
    const before = (await api<{ items: Run[] }>(`${API}/runs?limit=1`)).items[0]!.run_id;
    await Promise.all([page.waitForURL(/\/providers\?run=/), page.click('button:has-text("Run validation")')]);
    const [newest] = (await api<{ items: Run[] }>(`${API}/runs?limit=1`)).items;
    expect(newest!.run_id).not.toBe(before);
    expect(newest!.mode).toBe('full');
    expect(new URL(page.url()).searchParams.get('run')).toBe(newest!.run_id);
    expect(await page.getAttribute('#selected-run', 'data-run')).toBe(newest!.run_id);
    expect(await page.getAttribute('#runs tr.highlight', 'data-run')).toBe(newest!.run_id);
    expect(await page.getAttribute('#runs tr.highlight', 'aria-current')).toBe('true');
    expect(await page.locator('#notice').count()).toBe(0);
    // The script took the JSON API, not the form's fallback.
    expect(requests).toContain(`POST ${base}${API}/run`);
    expect(requests).not.toContain(`POST ${base}/providers/run`);
    expect(errors).toEqual([]);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('works without JavaScript: the form posts, the server runs the validation and redirects 303 to the run', async (ctx) => {
    if (!browser) ctx.skip(SKIP_REASON);
    const { page, requests } = await openPage(false);
    await page.goto(`${base}/providers`);
    await page.selectOption('select[name="mode"]', 'quick');
    await Promise.all([page.waitForURL(/\/providers\?run=/), page.click('button:has-text("Run validation")')]);
    const [newest] = (await api<{ items: Run[] }>(`${API}/runs?limit=1`)).items;
    expect(newest).toMatchObject({ mode: 'quick' });
    expect(new URL(page.url()).searchParams.get('run')).toBe(newest!.run_id);
    expect(await page.getAttribute('#runs tr.highlight', 'data-run')).toBe(newest!.run_id);
    expect(requests).toContain(`POST ${base}/providers/run`);
    expect(requests).not.toContain(`POST ${base}${API}/run`);

    // The same post over plain HTTP: 303 to the run; a bad mode or an unknown provider is the page with a notice; another origin is refused.
    const form = (body: string, origin = base) =>
      fetch(`${base}/providers/run`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', origin }, body });
    const posted = await form('mode=quick&providers=orbstack');
    expect(posted.status).toBe(303);
    const runId = new URL(posted.headers.get('location')!, base).searchParams.get('run')!;
    expect((await api<Run>(`${API}/runs/${runId}`)).providers.map((result) => result.provider)).toEqual(['orbstack']);
    const badMode = await form('mode=slow');
    expect(badMode.status).toBe(422);
    expect(badMode.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await badMode.text()).toMatch(/id="notice"[^>]*>No validation ran: mode: /);
    const unknown = await form('providers=nimbus');
    expect(unknown.status).toBe(422);
    expect(await unknown.text()).toContain('no enabled or required provider named nimbus');
    const before = (await api<{ items: Run[] }>(`${API}/runs?limit=1`)).items[0]!.run_id;
    const forged = await form('mode=quick', 'http://elsewhere.example');
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('this form takes posts from this page only');
    const noOrigin = await fetch(`${base}/providers/run`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mode=quick' });
    expect(noOrigin.status).toBe(403);
    expect((await api<{ items: Run[] }>(`${API}/runs?limit=1`)).items[0]!.run_id).toBe(before);
  });

  it('answers an unknown or hostile ?run= with a notice, escaped, never a 500', async (ctx) => {
    if (!browser) ctx.skip(SKIP_REASON);
    const { page, errors } = await openPage(true);
    const hostile = '<img src=x onerror=alert(1)>';
    const response = await page.goto(`${base}/providers?run=${encodeURIComponent(hostile)}`);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('#notice')).toContain(`No validation run ${hostile} is stored`);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#selected-run').count()).toBe(0);
    for (const query of ['?run=', `?run=${'x'.repeat(500)}`, '?run=prv_1999_01_01T00_00_00Z&run=other']) {
      const answer = await fetch(`${base}/providers${query}`, { headers: { accept: 'text/html' } });
      expect(answer.status, query).toBe(200);
      expect(await answer.text(), query).toContain('id="notice"');
    }
    expect(errors).toEqual([]);
  });
});
