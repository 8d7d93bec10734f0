import { z } from 'zod';
import {
  idField,
  ProviderError,
  ReadinessConfigError,
  type ReadinessConfigCheck,
  type ReadinessProbe,
  type ReadinessProbes,
  type SkippedEntryLog,
} from '../../contracts/index.js';
import { RawInstanceTypesSchema, readInstanceTypes } from './lambda-labs-catalog.js';
import type { LambdaLabsClient } from './lambda-labs-client.js';

const SSH_KEY_NAME = 'providers."lambda-labs".sshKeyName';
const READINESS_TYPES = 'providers."lambda-labs".readiness.instanceTypes';
const RawListSchema = z.array(z.unknown());

export interface LambdaLabsReadinessOptions {
  /** The registration's client: its key's shared limiter paces every probe request, as it paces spawns. */
  readonly client: LambdaLabsClient;
  /** What the registration was given; only its presence is ever reported. */
  readonly apiKey: string | undefined;
  readonly sshKeyName: string | undefined;
  /** The regions spawns may use: capacity counts only there. */
  readonly regions: readonly string[];
  /** The types that must have capacity (`readiness.instanceTypes`); undefined: any type. */
  readonly instanceTypes?: readonly string[];
  /** The API's host, for the evidence line. */
  readonly host: string;
  /** Where instance-type entries Hangar cannot read are recorded (the registration's log). */
  readonly skippedEntries?: SkippedEntryLog;
}

/**
 * The Lambda Cloud readiness probes. Every request goes through the registration's `LambdaLabsClient`,
 * so it waits for a slot of the key's one limiter (one request per second, shared with spawns and
 * every other registration on the key), is cut by the probe's signal, and fails through the error
 * table (a 429 with its Retry-After, which also holds the limiter back). Nothing is launched.
 *
 * - `configured`: an API key and an SSH key name were given (names only; the key is never shown).
 * - `auth`: GET /api/v1/instance-types, the cheapest authenticated read (one request).
 * - `execution`: the launch's own pre-checks, read rather than tried: the configured SSH key exists in
 *   the account (GET /api/v1/ssh-keys; a launch naming a missing key is refused, so a missing one is
 *   CONFIG_MISSING), then capacity: some configured instance type (`readiness.instanceTypes`, default
 *   any) lists a configured region in `regions_with_capacity_available` (GET /api/v1/instance-types);
 *   none is CAPACITY_ERROR. Two requests, paced.
 */
export function createLambdaLabsReadiness(options: LambdaLabsReadinessOptions): ReadinessProbes {
  const { client } = options;
  const readTypes = (signal: AbortSignal | undefined) =>
    client.call({ operation: 'listInstanceTypes', method: 'GET', path: '/api/v1/instance-types', data: RawInstanceTypesSchema }, signal);

  const auth: ReadinessProbe = {
    description: `Lambda Cloud GET /api/v1/instance-types at ${options.host}`,
    costUsd: 0,
    async run({ signal }) {
      const raw = await readTypes(signal);
      const count = Object.keys(raw).length;
      return `Lambda Cloud answers at ${options.host}: ${count} instance type${count === 1 ? '' : 's'} listed`;
    },
  };

  const wanted = options.instanceTypes;
  const execution: ReadinessProbe = {
    description: `Lambda Cloud launch pre-checks: GET /api/v1/ssh-keys (SSH key ${JSON.stringify(options.sshKeyName ?? '')}), GET /api/v1/instance-types (capacity for ${wanted === undefined ? 'any instance type' : wanted.join(', ')} in ${options.regions.join(', ')}); nothing is launched`,
    costUsd: 0,
    async run({ signal }) {
      const sshKeyName = options.sshKeyName ?? '';
      const keys = await client.call({ operation: 'listSshKeys', method: 'GET', path: '/api/v1/ssh-keys', data: RawListSchema }, signal);
      const names = keys.map(idField('name'));
      if (!names.includes(sshKeyName)) {
        throw new ReadinessConfigError(
          `lambda-labs: the SSH key ${JSON.stringify(sshKeyName)} (${SSH_KEY_NAME}) is not in the Lambda account (it has ${names.length} SSH key${names.length === 1 ? '' : 's'}); every launch would be refused`,
          [SSH_KEY_NAME],
        );
      }

      const raw = await readTypes(signal);
      const types = readInstanceTypes(raw, options.skippedEntries);
      const unknown = (wanted ?? []).filter((name) => !(name in raw));
      if (unknown.length > 0) {
        throw new ReadinessConfigError(`lambda-labs: Lambda lists no instance type ${unknown.join(', ')} (${READINESS_TYPES})`, [READINESS_TYPES]);
      }
      const candidates = (wanted ?? Object.keys(types)).filter((name) => types[name] !== undefined);
      if (candidates.length === 0) {
        // Listed, but no entry Hangar can read: not a "no", an answer nobody can act on (see the skipped entries).
        throw new Error(`lambda-labs: Hangar cannot read the instance-types entries of ${(wanted ?? Object.keys(raw)).join(', ') || 'any type'} (see the provider's skipped entries)`);
      }
      const available = candidates.flatMap((name) => {
        const regions = (types[name]?.regions_with_capacity_available ?? []).map((region) => region.name).filter((region) => options.regions.includes(region));
        return regions.length === 0 ? [] : [`${name} in ${regions.join(' / ')}`];
      });
      if (available.length === 0) {
        throw new ProviderError({
          code: 'CAPACITY_ERROR',
          provider: 'lambda-labs',
          message: `lambda-labs: no capacity now for ${wanted === undefined ? 'any instance type' : wanted.join(', ')} in ${options.regions.join(', ')} (regions_with_capacity_available); a launch would be refused`,
        });
      }
      const shown = available.slice(0, 3).join(', ');
      return `SSH key ${JSON.stringify(sshKeyName)} present; capacity now for ${available.length} of ${candidates.length} instance type${candidates.length === 1 ? '' : 's'} in the configured regions (${shown}${available.length > 3 ? ', …' : ''})`;
    },
  };

  return { configured: () => lambdaLabsConfigured(options), auth, execution };
}

/** `configured` on its own: what the registration was given, by name (never the key). */
export function lambdaLabsConfigured(given: { readonly apiKey: string | undefined; readonly sshKeyName: string | undefined; readonly regions: readonly string[] }): ReadinessConfigCheck {
  const missing: string[] = [];
  if (given.apiKey === undefined || given.apiKey === '') missing.push('LAMBDA_API_KEY (or providers."lambda-labs".apiKey)');
  if (given.sshKeyName === undefined || given.sshKeyName === '') missing.push(SSH_KEY_NAME);
  if (given.regions.length === 0) missing.push('providers."lambda-labs".regions');
  return { ok: missing.length === 0, missing };
}
