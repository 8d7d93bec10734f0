import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/control-plane/config.js';
import { providerConfigSchemas } from '../../../src/provider-factories.js';
import { AwsConfigSchema } from '../../../src/providers/aws/aws-config.js';
import { subnetFilters, subnetSource } from '../../../src/providers/aws/subnet-discovery.js';
import { type TempDir, makeTempDir } from '../../support/temp-dir.js';

/** `providers.aws` subnet keys, read the way start-up reads them: a bad one stops start-up in one line naming it. */

let dir: TempDir;
beforeEach(() => {
  dir = makeTempDir('aws-config');
});
afterEach(() => dir.remove());

function startupWith(aws: unknown): string {
  const path = join(dir.path, 'hangar.json');
  writeFileSync(path, JSON.stringify({ providers: { aws } }));
  try {
    loadConfig({ HANGAR_CONFIG: path, HANGAR_PROVIDERS: 'aws' }, providerConfigSchemas());
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return 'started';
}

const A = 'subnet-0aaaaaaaaaaaaaaa1';
const B = 'subnet-0bbbbbbbbbbbbbbb1';

describe('providers.aws subnet keys', () => {
  it('accepts a single subnetId, a list of subnets, subnets by zone, or a tag selector', () => {
    expect(startupWith({ subnetId: A })).toBe('started');
    expect(startupWith({ subnets: [A, B] })).toBe('started');
    expect(startupWith({ regions: ['us-east-1', 'us-west-2'], subnets: { 'us-east-1a': A, 'us-west-2b': B } })).toBe('started');
    expect(startupWith({ subnetSelector: { tags: { 'kubernetes.io/role/internal-elb': '1', hangar: '*' } } })).toBe('started');
    expect(startupWith({})).toBe('started');
  });

  it('stops start-up in one line naming the bad key', () => {
    const cases: [unknown, string][] = [
      [{ subnetId: 'subnet-xyz' }, 'invalid configuration: providers.aws.subnetId: a subnet id is subnet- and 8 or 17 hex digits'],
      [{ subnets: [A, 'sn-1'] }, 'invalid configuration: providers.aws.subnets.1: a subnet id is subnet- and 8 or 17 hex digits'],
      [{ subnets: [] }, 'invalid configuration: providers.aws.subnets: Too small: expected array to have >=1 items'],
      [{ subnets: {} }, 'invalid configuration: providers.aws.subnets: name at least one zone'],
      [{ subnets: 'subnet-0aaaaaaaaaaaaaaa1' }, 'invalid configuration: providers.aws.subnets: expected a list of subnet ids, or a mapping of zone to subnet id'],
      [{ subnets: { 'eu-west-1a': A } }, 'invalid configuration: providers.aws.subnets.eu-west-1a: eu-west-1a is not a zone of a configured region (us-east-1)'],
      [{ subnetId: A, subnets: [B] }, 'invalid configuration: providers.aws.subnets: set only one of subnetId, subnets, subnetSelector (subnetId and subnets are set)'],
      [{ subnets: [B], subnetSelector: { tags: { a: 'b' } } }, 'invalid configuration: providers.aws.subnetSelector: set only one of subnetId, subnets, subnetSelector (subnets and subnetSelector are set)'],
      [{ subnetSelector: { tags: {} } }, 'invalid configuration: providers.aws.subnetSelector.tags: name at least one tag'],
      [{ subnetSelector: { tags: { a: 'b' }, ids: [A] } }, 'invalid configuration: providers.aws.subnetSelector.ids: Unrecognized key: "ids"'],
    ];
    for (const [aws, message] of cases) {
      const line = startupWith(aws);
      expect({ aws, line }).toEqual({ aws, line: message });
      expect(line).not.toContain('\n');
    }
  });

  it('turns each form into the DescribeSubnets filters that find it (`*` asks for the tag key)', () => {
    const source = (raw: unknown) => {
      const found = subnetSource(AwsConfigSchema.parse(raw));
      if (found === null) throw new Error('no subnet source');
      return found;
    };
    expect(subnetSource(AwsConfigSchema.parse({}))).toBeNull();
    expect(subnetFilters(source({ subnetId: A }))).toEqual([
      { Name: 'subnet-id', Values: [A] },
      { Name: 'state', Values: ['available'] },
    ]);
    expect(source({ subnets: { 'us-east-1a': A } })).toEqual({ key: 'subnets', ids: [A], declaredZones: new Map([[A, 'us-east-1a']]) });
    expect(subnetFilters(source({ subnetSelector: { tags: { tier: 'private', hangar: '*' } } }))).toEqual([
      { Name: 'tag:tier', Values: ['private'] },
      { Name: 'tag-key', Values: ['hangar'] },
      { Name: 'state', Values: ['available'] },
    ]);
  });
});
