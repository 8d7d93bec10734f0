import { afterEach, describe, expect, it } from 'vitest';
import { ControlPlaneSettingsSchema } from '../../src/control-plane/config.js';
import { type ControlPlane, createControlPlane } from '../../src/control-plane/control-plane.js';
import { createLogger, type LogLevel } from '../../src/control-plane/logger.js';
import { OrbStackConfigSchema } from '../../src/providers/orbstack/orbstack-config.js';
import { createOrbStackRegistration } from '../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../support/temp-dir.js';

const FAKE_KEY = 'hk-planted-4f9c1e77d2a0b5c3e8f6a1d9';

let plane: ControlPlane | undefined;
let dir: TempDir | undefined;
afterEach(async () => {
  await plane?.close();
  dir?.remove();
  plane = undefined;
  dir = undefined;
});

async function planeLoggingAt(level: LogLevel): Promise<{ cp: ControlPlane; lines: () => Record<string, unknown>[]; raw: string[] }> {
  dir = makeTempDir('request-logging');
  const registration = createOrbStackRegistration(OrbStackConfigSchema.parse({ bootDelayMs: { min: 0, max: 0 } }), { dataDir: dir.path });
  const raw: string[] = [];
  plane = await createControlPlane({
    settings: ControlPlaneSettingsSchema.parse({ dataDir: dir.path, port: 0, logLevel: level }),
    registrations: [registration],
    logger: createLogger(level, (line) => raw.push(line)),
  });
  return { cp: plane, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const accessLines = (lines: Record<string, unknown>[]) => lines.filter((line) => line.msg === 'request');

describe('request ids', () => {
  it('answers a generated X-Request-Id on every response, errors and unknown routes included', async () => {
    const { cp } = await planeLoggingAt('silent');
    const responses = [
      await cp.app.request('/healthz'),
      await cp.app.request('/v1/nowhere'),
      await cp.app.request('/v1/instances', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"provider":' }),
      await cp.app.request('/v1/instances', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      await cp.app.request('/v1/instances/i-nope'),
    ];
    expect(responses[0]?.status).toBe(200);
    for (const response of responses.slice(1)) expect(response.status >= 400 && response.status < 500).toBe(true);
    const ids = responses.map((response) => response.headers.get('x-request-id'));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps the caller's id when it is a sane token and replaces any other", async () => {
    const { cp } = await planeLoggingAt('silent');
    const sane = await cp.app.request('/healthz', { headers: { 'X-Request-Id': 'trace-42_a=b' } });
    expect(sane.headers.get('x-request-id')).toBe('trace-42_a=b');
    for (const bad of ['has space', 'semi;colon', '<script>', 'x'.repeat(129), 'ünïcode']) {
      const response = await cp.app.request('/healthz', { headers: { 'X-Request-Id': bad } });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });
});

describe('the access log', () => {
  it('writes one info line per request: method, path, status, duration and the request id, under msg', async () => {
    const { cp, lines } = await planeLoggingAt('info');
    const ok = await cp.app.request('/v1/providers?x=1', { headers: { 'X-Request-Id': 'req-ok' } });
    const missing = await cp.app.request('/v1/instances/i-nope', { headers: { 'X-Request-Id': 'req-404' } });
    expect([ok.status, missing.status]).toEqual([200, 404]);
    const access = accessLines(lines());
    expect(access).toHaveLength(2);
    expect(access[0]).toMatchObject({ level: 'info', msg: 'request', method: 'GET', path: '/v1/providers', status: 200, requestId: 'req-ok' });
    expect(access[1]).toMatchObject({ level: 'info', method: 'GET', path: '/v1/instances/i-nope', status: 404, requestId: 'req-404' });
    for (const line of access) {
      expect(typeof line.durationMs).toBe('number');
      expect(typeof line.time).toBe('string');
      expect(line).not.toHaveProperty('message');
    }
  });

  it('honours the level: none at warn, nothing at all when silent', async () => {
    const warn = await planeLoggingAt('warn');
    await warn.cp.app.request('/healthz');
    expect(accessLines(warn.lines())).toHaveLength(0);
    await plane?.close();
    dir?.remove();
    plane = undefined;
    const silent = await planeLoggingAt('silent');
    await silent.cp.app.request('/healthz');
    await silent.cp.app.request('/v1/nowhere');
    expect(silent.raw).toEqual([]);
  });
});

describe('secrets in logs', () => {
  it('never writes a key planted in request headers or a spawn bootstrap env, even at debug', async () => {
    const { cp, raw, lines } = await planeLoggingAt('debug');
    const spawned = await cp.app.request('/v1/instances', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${FAKE_KEY}`,
        'x-api-key': FAKE_KEY,
        cookie: `session=${FAKE_KEY}`,
      },
      body: JSON.stringify({ provider: 'orbstack', instanceType: 'orb.nano', bootstrap: { script: 'true', env: { API_TOKEN: FAKE_KEY } } }),
    });
    expect(spawned.status).toBe(202);
    expect(raw.join('')).not.toContain(FAKE_KEY);
    const received = lines().find((line) => line.msg === 'request received' && line.method === 'POST');
    expect(received).toMatchObject({ headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', cookie: '[redacted]', 'content-type': 'application/json' } });
  });

  it('redacts every secret-bearing field by path, nested or not, and keeps the rest', () => {
    const raw: string[] = [];
    const logger = createLogger('debug', (line) => raw.push(line));
    logger.info('provider call', {
      apiKey: FAKE_KEY,
      provider: { name: 'runpod', apiKey: FAKE_KEY, credentials: { secretAccessKey: FAKE_KEY } },
      aws: { accessKeyId: FAKE_KEY, secretAccessKey: FAKE_KEY, sessionToken: FAKE_KEY },
      headers: { Authorization: `Bearer ${FAKE_KEY}`, authorization: FAKE_KEY },
      spec: { instanceType: 'orb.nano', bootstrap: { script: 'echo hi', env: { DB_PASSWORD: FAKE_KEY } } },
      token: FAKE_KEY,
      password: FAKE_KEY,
    });
    expect(raw).toHaveLength(1);
    expect(raw[0]).not.toContain(FAKE_KEY);
    expect(JSON.parse(raw[0] ?? '{}')).toMatchObject({
      msg: 'provider call',
      apiKey: '[redacted]',
      provider: { name: 'runpod', apiKey: '[redacted]' },
      spec: { instanceType: 'orb.nano', bootstrap: { script: 'echo hi', env: '[redacted]' } },
    });
  });
});
