import { describe, expect, it } from 'vitest';
import {
  CAPABILITY_FLAGS,
  OWNERSHIP_TAGS,
  PROVIDER_ERROR_CODES,
  ProviderError,
  type ProviderInstance,
  ProviderInstanceSchema,
  VendorResponseError,
  bootstrapOutput,
  capabilityMap,
  isProviderError,
  isProviderErrorCode,
  materialize,
  matchesListFilter,
  projectInstance,
  renderShellBootstrap,
  sha256Hex,
  unsupportedReasons,
} from '../../src/contracts/index.js';
import { shellSyntaxError } from '../support/shell-syntax.js';

const instance: ProviderInstance = {
  providerId: 'm-1',
  name: 'm-1',
  status: 'running',
  instanceType: 't.small',
  region: 'r-1',
  zone: 'r-1a',
  spot: false,
  image: null,
  tags: { team: 'ml', [OWNERSHIP_TAGS.owner]: 'hangar' },
  owner: 'hangar',
  hangarInstanceId: 'i-1',
  launchedAt: '2026-01-01T00:00:00.000Z',
  stateReason: null,
};

describe('error taxonomy', () => {
  it('has the seven codes with their categories and retryability', () => {
    expect(PROVIDER_ERROR_CODES.sort()).toEqual(
      ['AUTH_ERROR', 'CAPACITY_ERROR', 'INVALID_SPEC', 'NOT_FOUND', 'QUOTA_EXCEEDED', 'RATE_LIMIT_ERROR', 'SPOT_INTERRUPTED'].sort(),
    );
    const table = Object.fromEntries(
      PROVIDER_ERROR_CODES.map((code) => {
        const error = new ProviderError({ code, provider: 'p', message: 'm' });
        return [code, [error.category, error.retryable]];
      }),
    );
    expect(table).toEqual({
      CAPACITY_ERROR: ['capacity', true],
      AUTH_ERROR: ['auth', false],
      RATE_LIMIT_ERROR: ['rate_limit', true],
      SPOT_INTERRUPTED: ['capacity', true],
      QUOTA_EXCEEDED: ['capacity', false],
      INVALID_SPEC: ['validation', false],
      NOT_FOUND: ['not_found', false],
    });
  });

  it('keeps provider, retry-after and cause', () => {
    const cause = new Error('429');
    const error = new ProviderError({ code: 'RATE_LIMIT_ERROR', provider: 'aws', message: 'slow down', retryAfterMs: 2000, cause });
    expect(isProviderError(error)).toBe(true);
    expect(error).toMatchObject({ provider: 'aws', retryAfterMs: 2000, cause, name: 'ProviderError' });
    expect(isProviderError(new Error('x'))).toBe(false);
    expect(isProviderErrorCode('NOT_FOUND')).toBe(true);
    expect(isProviderErrorCode('toString')).toBe(false);
  });
});

describe('capability declarations', () => {
  it('render as the API shows them', () => {
    const declaration = Object.fromEntries(
      CAPABILITY_FLAGS.map((flag) => [flag, flag === 'gpu' ? true : { unsupported: `no ${flag}` }]),
    ) as Parameters<typeof capabilityMap>[0];
    const map = capabilityMap(declaration);
    expect(Object.keys(map)).toHaveLength(11);
    expect(map.gpu).toBe(true);
    expect(map.spot).toBe(false);
    const reasons = unsupportedReasons(declaration);
    expect(reasons.gpu).toBeUndefined();
    expect(reasons.spot).toBe('no spot');
    expect(Object.keys(reasons)).toHaveLength(10);
  });
});

describe('bootstrap', () => {
  it('checksums the content with SHA-256', () => {
    const output = bootstrapOutput('echo hi\n', 'shell');
    expect(output.checksum).toBe(sha256Hex('echo hi\n'));
    // sha256sum of the same bytes, computed outside Node.
    expect(output.checksum).toBe('ab08508fdf5ca4da5c4995987bc41c56c048aaa5eeb046417ae4049b7d40286e');
  });

  it('renders a valid shell script that no value can break out of', () => {
    const hostile = "'; rm -rf / #\n$(reboot) `halt` \"quoted\" \\ end";
    const script = renderShellBootstrap({ instanceId: 'i-1', hostname: 'web-1', script: hostile, env: { HOSTILE: hostile } });
    expect(shellSyntaxError(script)).toBeNull();
    expect(script.startsWith('#!/bin/sh\nset -eu\n')).toBe(true);
  });

  it('exports the environment exactly, in a stable order', () => {
    const script = renderShellBootstrap({ instanceId: 'i-1', env: { B: "it's", A: '$HOME' } });
    expect(script.indexOf('export A=')).toBeLessThan(script.indexOf('export B='));
    expect(script).toContain(`export A='$HOME'`);
    expect(script).toContain(`export B='it'"'"'s'`);
  });
});

describe('materialize and project', () => {
  it('projection strips every field the generic schema does not know', () => {
    const enhanced = { ...instance, subnetId: 'subnet-1', volumes: [{ id: 'v-1' }], secretish: 'x' };
    const projected = projectInstance(enhanced);
    expect(Object.keys(projected).sort()).toEqual(Object.keys(ProviderInstanceSchema.shape).sort());
    expect(projected).not.toHaveProperty('subnetId');
  });

  it('materialize fails loudly on a vendor shape it cannot read', () => {
    expect(materialize(ProviderInstanceSchema, instance, 'p', 'instance')).toEqual(instance);
    const error = (() => {
      try {
        materialize(ProviderInstanceSchema, { ...instance, status: 'exploded' }, 'p', 'instance m-1');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(VendorResponseError);
    expect((error as Error).message).toContain('status');
  });
});

describe('matchesListFilter', () => {
  it('matches on owner, instance id, status, region and tags', () => {
    expect(matchesListFilter(instance, undefined)).toBe(true);
    expect(matchesListFilter(instance, { owner: 'hangar', statuses: ['running'], region: 'r-1', tags: { team: 'ml' } })).toBe(true);
    expect(matchesListFilter(instance, { owner: 'other' })).toBe(false);
    expect(matchesListFilter(instance, { hangarInstanceId: 'i-2' })).toBe(false);
    expect(matchesListFilter(instance, { statuses: ['pending'] })).toBe(false);
    expect(matchesListFilter(instance, { region: 'r-2' })).toBe(false);
    expect(matchesListFilter(instance, { tags: { team: 'web' } })).toBe(false);
  });
});
