import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULT_ROUTING_POLICY, parseRoutingPolicy, policyHash, type RoutingPolicy, serializePolicy } from '../../llm/index.js';
import { ApiError } from '../api-error.js';
import { ConfigError } from '../config.js';

export interface LoadedPolicy {
  readonly policy: RoutingPolicy;
  readonly hash: string;
  /** `file` when read from the path, `default` when no file exists yet (nothing is written until an update). */
  readonly source: 'file' | 'default';
  readonly path: string;
}

/**
 * The routing policy on disk (`MODELS_POLICY_PATH`, default `<dataDir>/models/policy.json`). Read at
 * start: a missing file is the default policy, a bad one stops start-up naming the problem. An update
 * is validated first (a bad policy changes nothing), then written as sorted JSON with a trailing
 * newline to a temp file beside it and renamed over it (a crash leaves the old or the new file,
 * never half of one); the version it replaces is kept as `<path>.previous`.
 */
export class PolicyFile {
  private current: LoadedPolicy;

  constructor(readonly path: string) {
    this.current = PolicyFile.read(path);
  }

  get loaded(): LoadedPolicy {
    return this.current;
  }

  /** Validates and writes; answers the new policy. Invalid → ApiError 422 POLICY_INVALID listing each issue with its path. */
  update(input: unknown): LoadedPolicy {
    const parsed = parseRoutingPolicy(input);
    if (!parsed.ok) {
      const first = parsed.issues[0];
      throw new ApiError(422, 'POLICY_INVALID', `the policy is invalid${first ? `: ${first.path || '(root)'}: ${first.message}` : ''}`, { issues: parsed.issues, ...(first && { field: first.path }) });
    }
    const text = serializePolicy(parsed.policy);
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.${Date.now()}.tmp`;
    try {
      writeFileSync(temp, text, { flag: 'wx' });
      if (this.current.source === 'file') {
        const previousTemp = `${temp}.previous`;
        writeFileSync(previousTemp, serializePolicy(this.current.policy));
        renameSync(previousTemp, `${this.path}.previous`);
      }
      renameSync(temp, this.path);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    this.current = { policy: parsed.policy, hash: policyHash(parsed.policy), source: 'file', path: this.path };
    return this.current;
  }

  private static read(path: string): LoadedPolicy {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { policy: DEFAULT_ROUTING_POLICY, hash: policyHash(DEFAULT_ROUTING_POLICY), source: 'default', path };
      throw new ConfigError(`cannot read the routing policy ${path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`the routing policy ${path} is not JSON: ${(error as Error).message}`);
    }
    const parsed = parseRoutingPolicy(json);
    if (!parsed.ok) throw new ConfigError(`the routing policy ${path} is invalid: ${parsed.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`);
    return { policy: parsed.policy, hash: policyHash(parsed.policy), source: 'file', path };
  }
}
