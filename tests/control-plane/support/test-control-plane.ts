import { join } from 'node:path';
import { type ControlPlane, type ControlPlaneOptions, createControlPlane } from '../../../src/control-plane/control-plane.js';
import { ControlPlaneSettingsSchema } from '../../../src/control-plane/config.js';
import { type Logger, createLogger } from '../../../src/control-plane/logger.js';
import { projectProvider, type ReadinessProbes } from '../../../src/contracts/index.js';
import { OrbStackConfigSchema } from '../../../src/providers/orbstack/orbstack-config.js';
import { type OrbStackRegistration, createOrbStackRegistration } from '../../../src/providers/orbstack/orbstack-registration.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';
import { FaultyProvider, faultyRegistration } from './faulty-provider.js';

export interface TestControlPlane {
  plane: ControlPlane;
  orbstack: OrbStackRegistration;
  faulty: FaultyProvider;
  /** The machines behind the faulty provider. */
  faultyBase: OrbStackRegistration;
  dir: TempDir;
  logs: string[];
  /** `app.request` with JSON in and out. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response JSON freely.
  json: any;
}

export interface TestControlPlaneOptions {
  bootDelayMs?: number;
  orbstack?: Record<string, unknown>;
  settings?: Record<string, unknown>;
  /** Reuse this data dir (a restart of an earlier plane); it is left in place on close. */
  dir?: TempDir;
  /** Readiness probes for the faulty provider (it registers none otherwise). */
  faultyReadiness?: ReadinessProbes;
  /** The environment LLM keys are read from (default: none, so no real key leaks in). */
  env?: NodeJS.ProcessEnv;
  /** The LLM transports' hooks and the escalation ladder's waits (tests: no real sleeping). */
  llmHooks?: ControlPlaneOptions['llmHooks'];
  /** POST /providers/reload's loader (none: reload answers 409). */
  reload?: ControlPlaneOptions['reload'];
  /** More providers, registered after orbstack and faulty. */
  extraRegistrations?: ControlPlaneOptions['registrations'];
  /** Where the providers' calls go, by name (conformance runs' emulator target). */
  providerEndpoints?: ControlPlaneOptions['providerEndpoints'];
  /** The providers file a ramp's promotion is written into. */
  providersFile?: string;
}

/** A control plane on a temp data dir with the OrbStack local provider (fast lifecycle) and the `faulty` provider. */
export async function startTestControlPlane(options: TestControlPlaneOptions = {}): Promise<TestControlPlane> {
  const dir = options.dir ?? makeTempDir('control-plane');
  const bootDelay = options.bootDelayMs ?? 20;
  const orbstackConfig = OrbStackConfigSchema.parse({
    seed: 3,
    bootDelayMs: { min: bootDelay, max: bootDelay },
    terminateDelayMs: { min: 0, max: 0 },
    snapshotDelayMs: { min: 0, max: 0 },
    ...options.orbstack,
  });
  const orbstack = createOrbStackRegistration(orbstackConfig, { dataDir: dir.path });
  // The faulty provider gets machines of its own: two providers sharing machines would see each other's as orphans.
  const faultyBase = createOrbStackRegistration(orbstackConfig, { dataDir: join(dir.path, 'faulty') });
  const faulty = new FaultyProvider(projectProvider(faultyBase.provider));
  const logs: string[] = [];
  const logger: Logger = createLogger('debug', (line) => logs.push(line));
  const settings = ControlPlaneSettingsSchema.parse({
    dataDir: dir.path,
    port: 0,
    providerTimeoutMs: 300,
    reconcile: { intentGraceMs: 60_000, lostGraceMs: 60_000, orphanGraceMs: 0, terminateRetryMs: 0 },
    ...options.settings,
  });
  const plane = await createControlPlane({
    settings,
    registrations: [orbstack, faultyRegistration(faulty, options.faultyReadiness), ...(options.extraRegistrations ?? [])],
    logger,
    env: options.env ?? {},
    ...(options.llmHooks !== undefined && { llmHooks: options.llmHooks }),
    ...(options.reload !== undefined && { reload: options.reload }),
    ...(options.providerEndpoints !== undefined && { providerEndpoints: options.providerEndpoints }),
    ...(options.providersFile !== undefined && { providersFile: options.providersFile }),
  });
  return {
    plane,
    orbstack,
    faulty,
    faultyBase,
    dir,
    logs,
    async call(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json', ...headers } };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      const response = await plane.app.request(path, init);
      const text = await response.text();
      return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await plane.close();
      if (!options.dir) dir.remove();
    },
  };
}
