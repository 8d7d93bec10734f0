import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve, sep } from 'node:path';
import {
  ReadinessConfigError,
  type ReadinessConfigCheck,
  type ReadinessProbe,
  type ReadinessProbes,
  type SpawnOptions,
  type TerminateResult,
} from '../../contracts/index.js';
import { abortable, throwIfAborted } from '../../lib/abortable-wait.js';
import { isOrbctlError } from './orbctl-errors.js';
import { ORBSTACK_REGIONS, ORBSTACK_SHAPES, type OrbStackShape } from './orbstack-catalog.js';
import type { OrbStackConfig } from './orbstack-config.js';
import type { OrbStackInstance } from './orbstack-instance.js';
import { machineNameFor, type OrbStackProvider } from './orbstack-provider.js';

const ORBCTL_PATH = 'providers.orbstack.orbctl.path';
/** A machine name no spawn produces (spawned names are hangar- and 24 hex digits): `orbctl info` of it answers "not found". */
export const AUTH_PROBE_MACHINE = 'hangar-readiness-auth-probe';
/** Every machine the execution probe makes is named `hangar-readiness-<random>` (the spawn's name and its idempotency token). */
export const READINESS_MACHINE_PREFIX = 'hangar-readiness-';
/** The tag that says a machine is a readiness probe's, beside the ownership marks. */
export const READINESS_TAG = 'hangar:readiness-probe';

/** The provider calls the probes make (the same provider, and so the same chaos layer and driver, as every spawn). */
type ProbedProvider = Pick<OrbStackProvider, 'spawn' | 'terminate' | 'get' | 'generateBootstrap'>;

export interface OrbStackReadinessOptions {
  readonly config: OrbStackConfig;
  readonly provider: ProbedProvider;
  /** The environment `orbctl` runs with (its PATH finds a bare `orbctl.path`); default this process's. */
  readonly orbctlEnv?: NodeJS.ProcessEnv;
}

/** The cheapest catalog shape: the machine the execution probe makes. */
export function cheapestShape(): OrbStackShape {
  return ORBSTACK_SHAPES.reduce((cheapest, shape) => (shape.pricePerHour < cheapest.pricePerHour ? shape : cheapest));
}

/**
 * The OrbStack readiness probes; every call goes through the registration's provider, so through
 * its chaos layer and driver, as a spawn does. Nothing costs money: OrbStack machines run on the Mac.
 *
 * - `configured`: local mode needs nothing. orbctl mode: the configured `orbctl.path` is an executable
 *   file (a bare name is looked up on the PATH orbctl runs with).
 * - `auth`: local mode has no account and no credentials, so it passes without a call (and says so).
 *   orbctl mode: `orbctl info hangar-readiness-auth-probe -f json` (the provider's `get`): any answer,
 *   "not found" included, proves orbctl runs and OrbStack answers.
 * - `execution`: a real spawn and terminate of the cheapest shape in the first region, named
 *   `hangar-readiness-<random>` (name and idempotency token), marked `{owner, instanceId: i-readiness-<random>}`.
 *   The terminate runs in a finally, by the machine name the token determines, whether the spawn
 *   answered, failed or was cut short by the signal, and is not itself cut by the signal. A crash in
 *   between leaves a marked machine no row claims: an orphan reconciliation collects.
 */
export function createOrbStackReadiness(options: OrbStackReadinessOptions): ReadinessProbes {
  const { config, provider } = options;
  const orbctl = config.driver === 'orbctl';

  const auth: ReadinessProbe = orbctl
    ? {
        description: `orbctl info ${AUTH_PROBE_MACHINE} -f json (${config.orbctl.path})`,
        costUsd: 0,
        async run({ signal }) {
          try {
            const machine = await provider.get(AUTH_PROBE_MACHINE, signal === undefined ? undefined : { signal });
            return `orbctl answers and OrbStack is running (info ${AUTH_PROBE_MACHINE}: ${machine === null ? 'no such machine, as expected' : machine.status})`;
          } catch (error) {
            // Not a failure of OrbStack's: the configured executable is missing or cannot be started.
            if (isOrbctlError(error, 'not-installed') || isOrbctlError(error, 'cannot-run')) {
              throw new ReadinessConfigError(`orbstack: ${error.message}`, [ORBCTL_PATH]);
            }
            throw error;
          }
        },
      }
    : {
        description: 'OrbStack local driver: simulated machines, no account or credentials',
        costUsd: 0,
        run: async ({ signal }) => {
          throwIfAborted(signal);
          return 'local driver: nothing to authenticate (simulated machines need no OrbStack install, account or credentials); passes without a call';
        },
      };

  const shape = cheapestShape();
  const region = ORBSTACK_REGIONS[0]?.region ?? 'local-1';
  const execution: ReadinessProbe = {
    description: `spawn and terminate one ${shape.name} (the cheapest shape) in ${region} on the ${config.driver} driver, named ${READINESS_MACHINE_PREFIX}<random>; OrbStack machines cost nothing`,
    costUsd: 0,
    async run({ owner, signal }) {
      throwIfAborted(signal);
      const random = randomBytes(6).toString('hex');
      const name = `${READINESS_MACHINE_PREFIX}${random}`;
      const instanceId = `i-readiness-${random}`;
      const spec: SpawnOptions = {
        instanceType: shape.name,
        region,
        zone: null,
        spot: false,
        image: null,
        name,
        tags: { [READINESS_TAG]: name },
        bootstrap: provider.generateBootstrap({ instanceId }),
        idempotencyToken: name,
        ownership: { owner, instanceId },
      };
      let spawned: OrbStackInstance | null = null;
      let ended: TerminateResult | null = null;
      try {
        spawned = await provider.spawn(spec, signal === undefined ? undefined : { signal });
      } finally {
        // By the name the token determines when spawn did not answer: it may have made the machine all the same.
        const termination = provider.terminate(spawned?.providerId ?? machineNameFor(spec.idempotencyToken));
        if (spawned === null) {
          // The spawn's failure is the probe's; this clean-up is best effort, and an expired probe does not wait for it.
          const quiet = termination.then(
            () => undefined,
            () => undefined,
          );
          if (signal?.aborted !== true) await quiet;
        } else {
          ended = await abortable(termination, signal);
        }
      }
      if (spawned === null || ended === null) throw new Error('orbstack: the readiness spawn ended without an answer');
      return `spawned ${shape.name} ${spawned.providerId} (${name}, ${instanceId}) in ${spawned.zone ?? region} and terminated it (${ended.status})`;
    },
  };

  return {
    configured: () => orbStackConfigured(config, options.orbctlEnv ?? process.env),
    auth,
    execution,
  };
}

/** `configured` on its own: local needs nothing; orbctl needs its executable. */
export function orbStackConfigured(config: Pick<OrbStackConfig, 'driver' | 'orbctl'>, env: NodeJS.ProcessEnv): ReadinessConfigCheck {
  if (config.driver !== 'orbctl') return { ok: true, missing: [] };
  const problem = executableProblem(config.orbctl.path, env);
  return problem === null ? { ok: true, missing: [] } : { ok: false, missing: [`${ORBCTL_PATH} (${problem})`] };
}

/** Null when `command` names an executable file (a path, or a bare name found on env's PATH), else what is wrong. */
function executableProblem(command: string, env: NodeJS.ProcessEnv): string | null {
  if (command.includes('/') || command.includes(sep)) {
    const path = resolve(command);
    return isExecutableFile(path) ? null : `${path}: ${describe(path)}`;
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return dirs.some((dir) => isExecutableFile(join(dir, command))) ? null : `${command}: not found on PATH`;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function describe(path: string): string {
  try {
    return statSync(path).isFile() ? 'not executable' : 'not a file';
  } catch {
    return 'no such file';
  }
}
