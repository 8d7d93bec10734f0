import { describe, expect, it } from 'vitest';
import { Ec2Error } from '../../../src/emulators/ec2/ec2-error.js';
import { QueryParams } from '../../../src/emulators/ec2/query-params.js';

describe('QueryParams', () => {
  it('reads flattened lists in index order, not key order', () => {
    const params = QueryParams.parse('Action=TerminateInstances&InstanceId.2=i-b&InstanceId.10=i-c&InstanceId.1=i-a');
    expect(params.string('Action')).toBe('TerminateInstances');
    expect(params.strings('InstanceId')).toEqual(['i-a', 'i-b', 'i-c']);
    expect(params.strings('Missing')).toEqual([]);
  });

  it('scopes nested structures and lists of structures', () => {
    const params = QueryParams.parse(
      'TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=team&TagSpecification.1.Tag.1.Value=ml' +
        '&TagSpecification.1.Tag.2.Key=owner&TagSpecification.1.Tag.2.Value=a%26b%3Dc&Placement.AvailabilityZone=us-east-1b' +
        '&Filter.1.Name=tag%3AOwner&Filter.1.Value.1=TeamA&Filter.1.Value.2=Team+B',
    );
    const [spec] = params.structs('TagSpecification');
    expect(spec?.string('ResourceType')).toBe('instance');
    expect(spec?.structs('Tag').map((tag) => [tag.string('Key'), tag.string('Value')])).toEqual([
      ['team', 'ml'],
      ['owner', 'a&b=c'],
    ]);
    expect(params.struct('Placement').string('AvailabilityZone')).toBe('us-east-1b');
    const [filter] = params.structs('Filter');
    expect(filter?.string('Name')).toBe('tag:Owner');
    expect(filter?.strings('Value')).toEqual(['TeamA', 'Team B']);
    expect(params.has('Placement')).toBe(true);
    expect(params.has('Place')).toBe(false);
  });

  it('does not confuse a list with a longer name sharing its prefix', () => {
    const params = QueryParams.parse('Tag.1.Key=a&TagSpecification.1.ResourceType=instance');
    expect(params.structs('Tag')).toHaveLength(1);
  });

  it('parses integers and booleans strictly', () => {
    const params = QueryParams.parse('MinCount=2&DryRun=true&MaxCount=two&Force=yes');
    expect(params.integer('MinCount')).toBe(2);
    expect(params.boolean('DryRun')).toBe(true);
    expect(params.integer('Absent')).toBeUndefined();
    expect(() => params.integer('MaxCount')).toThrow(Ec2Error);
    expect(() => params.boolean('Force')).toThrow(/true or false/);
  });

  it('names the full path of a missing required parameter', () => {
    const params = QueryParams.parse('Filter.1.Value.1=x');
    const [filter] = params.structs('Filter');
    expect(() => filter?.requiredString('Name')).toThrow('The request must contain the parameter Filter.1.Name');
  });

  it('rejects a parameter given twice', () => {
    expect(() => QueryParams.parse('Action=A&Action=B')).toThrow(/more than once/);
  });

  it('fingerprints a request independently of parameter order, skipping the named keys', () => {
    const a = QueryParams.parse('Action=RunInstances&ImageId=ami-1&MinCount=1&ClientToken=t1');
    const b = QueryParams.parse('MinCount=1&ClientToken=t2&ImageId=ami-1&Action=RunInstances');
    expect(a.fingerprint(['ClientToken'])).toBe(b.fingerprint(['ClientToken']));
    expect(a.fingerprint([])).not.toBe(b.fingerprint([]));
  });
});
