import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeSubnetsCommand,
  type EC2Client,
  EC2Client as Ec2Client,
  type Filter,
  RunInstancesCommand,
  TerminateInstancesCommand,
  paginateDescribeSubnets,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { createEc2Emulator } from '../../../src/emulators/ec2/ec2-emulator.js';
import type { Ec2SubnetOption } from '../../../src/emulators/ec2/ec2-options.js';
import { resolveEc2Options } from '../../../src/emulators/ec2/ec2-options.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { TEST_IMAGE_ID, rejectionOf, startEc2TestBed } from './ec2-test-client.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

const open = useTestBed(startEc2TestBed);

const PRIVATE_A = 'subnet-0aaaaaaaaaaaaaaa1';
const PRIVATE_B = 'subnet-0bbbbbbbbbbbbbbb1';
const PUBLIC_B = 'subnet-0bbbbbbbbbbbbbbb2';
const VPC = 'vpc-0123456789abcdef0';

/** Three subnets of one non-default VPC, two of them tagged for Hangar. */
const SUBNETS: Ec2SubnetOption[] = [
  { subnetId: PRIVATE_A, zone: 'us-east-1a', vpcId: VPC, cidrBlock: '10.1.0.0/24', tags: { hangar: 'yes', tier: 'private' } },
  { subnetId: PRIVATE_B, zone: 'us-east-1b', vpcId: VPC, cidrBlock: '10.1.1.0/24', availableIpAddressCount: 3, tags: { hangar: 'yes', tier: 'private' } },
  { subnetId: PUBLIC_B, zone: 'us-east-1b', vpcId: VPC, cidrBlock: '10.1.2.0/24', tags: { tier: 'public' } },
];

async function subnetIds(client: EC2Client, filters: Filter[], ids?: string[]): Promise<(string | undefined)[]> {
  const answer = await client.send(new DescribeSubnetsCommand({ Filters: filters, ...(ids !== undefined && { SubnetIds: ids }) }));
  return (answer.Subnets ?? []).map((subnet) => subnet.SubnetId);
}

describe('EC2 emulator: DescribeSubnets', () => {
  it('lists a default subnet per zone (default VPC) and the configured subnets, each in exactly one zone', async () => {
    const { client, emulator } = await open({ subnets: SUBNETS });
    const answer = await client.send(new DescribeSubnetsCommand({}));
    const subnets = answer.Subnets ?? [];
    expect(subnets.map((subnet) => [subnet.AvailabilityZone, subnet.DefaultForAz])).toEqual([
      ['us-east-1a', true],
      ['us-east-1b', true],
      ['us-east-1c', true],
      ['us-east-1a', false],
      ['us-east-1b', false],
      ['us-east-1b', false],
    ]);
    expect(subnets[3]).toEqual({
      SubnetId: PRIVATE_A,
      SubnetArn: `arn:aws:ec2:us-east-1:123456789012:subnet/${PRIVATE_A}`,
      State: 'available',
      VpcId: VPC,
      CidrBlock: '10.1.0.0/24',
      Ipv6CidrBlockAssociationSet: [],
      AvailableIpAddressCount: 251,
      AvailabilityZone: 'us-east-1a',
      AvailabilityZoneId: 'use1-az1',
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      MapCustomerOwnedIpOnLaunch: false,
      AssignIpv6AddressOnCreation: false,
      Ipv6Native: false,
      EnableDns64: false,
      OwnerId: '123456789012',
      Tags: [
        { Key: 'hangar', Value: 'yes' },
        { Key: 'tier', Value: 'private' },
      ],
      PrivateDnsNameOptionsOnLaunch: { HostnameType: 'ip-name', EnableResourceNameDnsARecord: false, EnableResourceNameDnsAAAARecord: false },
    });
    expect(subnets[0]).toMatchObject({ AvailableIpAddressCount: 4091, MapPublicIpOnLaunch: true, CidrBlock: '172.31.0.0/20' });
    // A region sees only its own subnets.
    const west = new Ec2Client({ endpoint: emulator.url, region: 'us-west-2', credentials: { accessKeyId: 'AKIAEMULATOR', secretAccessKey: 'emulator-secret' }, maxAttempts: 1 });
    try {
      expect(((await west.send(new DescribeSubnetsCommand({}))).Subnets ?? []).map((subnet) => subnet.AvailabilityZone)).toEqual(['us-west-2a', 'us-west-2b']);
      expect((await rejectionOf(west.send(new DescribeSubnetsCommand({ SubnetIds: [PRIVATE_A] })))).name).toBe('InvalidSubnetID.NotFound');
    } finally {
      west.destroy();
    }
  });

  it('filters by availability-zone, vpc-id, tag:<key>, tag-key, default-for-az and subnet-id (values OR, filters AND, wildcards)', async () => {
    const { client } = await open({ subnets: SUBNETS });
    expect(await subnetIds(client, [{ Name: 'vpc-id', Values: [VPC] }, { Name: 'availability-zone', Values: ['us-east-1b'] }])).toEqual([PRIVATE_B, PUBLIC_B]);
    expect(await subnetIds(client, [{ Name: 'tag:hangar', Values: ['yes'] }])).toEqual([PRIVATE_A, PRIVATE_B]);
    expect(await subnetIds(client, [{ Name: 'tag:tier', Values: ['pub*'] }])).toEqual([PUBLIC_B]);
    expect(await subnetIds(client, [{ Name: 'tag-key', Values: ['tier'] }])).toEqual([PRIVATE_A, PRIVATE_B, PUBLIC_B]);
    expect(await subnetIds(client, [{ Name: 'tag-key', Values: ['tier'] }, { Name: 'tag:hangar', Values: ['yes'] }, { Name: 'availability-zone', Values: ['us-east-1a'] }])).toEqual([PRIVATE_A]);
    const defaults = await subnetIds(client, [{ Name: 'default-for-az', Values: ['true'] }]);
    expect(defaults).toHaveLength(3);
    expect(await subnetIds(client, [{ Name: 'default-for-az', Values: ['false'] }])).toEqual([PRIVATE_A, PRIVATE_B, PUBLIC_B]);
    expect(await subnetIds(client, [{ Name: 'subnet-id', Values: [PUBLIC_B, 'subnet-0ffffffffffffffff'] }])).toEqual([PUBLIC_B]);
    expect(await subnetIds(client, [{ Name: 'availabilityZone', Values: ['us-east-1c'] }])).toEqual([defaults[2]]);
    expect(await subnetIds(client, [{ Name: 'tag:hangar', Values: ['yes'] }], [PRIVATE_B, PUBLIC_B])).toEqual([PRIVATE_B]);
    const unknown = await rejectionOf(client.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'colour', Values: ['blue'] }] })));
    expect(unknown.name).toBe('InvalidParameterValue');
    expect(unknown.message).toBe("The filter 'colour' is invalid");
  });

  it('fails the whole request on an unknown id, and answers DryRun after checking', async () => {
    const { client } = await open({ subnets: SUBNETS });
    const missing = await rejectionOf(client.send(new DescribeSubnetsCommand({ SubnetIds: [PRIVATE_A, 'subnet-0ffffffffffffffff'] })));
    expect(missing.name).toBe('InvalidSubnetID.NotFound');
    expect(missing.message).toBe("The subnet ID 'subnet-0ffffffffffffffff' does not exist");
    expect((await rejectionOf(client.send(new DescribeSubnetsCommand({ SubnetIds: [PRIVATE_A], DryRun: true })))).name).toBe('DryRunOperation');
  });

  it('pages with MaxResults/NextToken through the SDK paginator, and checks MaxResults and the token', async () => {
    const many: Ec2SubnetOption[] = Array.from({ length: 9 }, (_, index) => ({ zone: 'us-east-1c', tags: { batch: 'paged', n: String(index) } }));
    const { client } = await open({ subnets: many });
    const pages: number[] = [];
    const seen: string[] = [];
    for await (const page of paginateDescribeSubnets({ client, pageSize: 5 }, { Filters: [{ Name: 'tag:batch', Values: ['paged'] }] })) {
      pages.push(page.Subnets?.length ?? 0);
      seen.push(...(page.Subnets ?? []).map((subnet) => subnet.Tags?.find((tag) => tag.Key === 'n')?.Value ?? ''));
    }
    expect(pages).toEqual([5, 4]);
    expect(seen).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8']);
    expect((await rejectionOf(client.send(new DescribeSubnetsCommand({ MaxResults: 4 })))).name).toBe('InvalidParameterValue');
    expect((await rejectionOf(client.send(new DescribeSubnetsCommand({ MaxResults: 1001 })))).name).toBe('InvalidParameterValue');
    expect((await rejectionOf(client.send(new DescribeSubnetsCommand({ MaxResults: 5, NextToken: 'not-a-token' })))).name).toBe('InvalidPaginationToken');
  });

  it('counts an address per instance in the subnet until it is terminated', async () => {
    const bed = await open({ subnets: SUBNETS });
    const free = async (): Promise<number | undefined> => (await bed.client.send(new DescribeSubnetsCommand({ SubnetIds: [PRIVATE_B] }))).Subnets?.[0]?.AvailableIpAddressCount;
    expect(await free()).toBe(3);
    const launched = await bed.client.send(new RunInstancesCommand({ MinCount: 2, MaxCount: 2, ImageId: TEST_IMAGE_ID, InstanceType: 't3.micro', SubnetId: PRIVATE_B }));
    expect(await free()).toBe(1);
    expect((await subnetIds(bed.client, [{ Name: 'available-ip-address-count', Values: ['1'] }]))).toEqual([PRIVATE_B]);
    await bed.client.send(new TerminateInstancesCommand({ InstanceIds: (launched.Instances ?? []).map((instance) => instance.InstanceId ?? '') }));
    expect(await free()).toBe(1);
    bed.clock += 2_000;
    expect(await free()).toBe(3);
  });

  it('answers in the model’s wire names: every element of a subnet item is a member of the botocore Subnet shape', async () => {
    const { app } = createEc2Emulator({ subnets: SUBNETS, now: () => Date.UTC(2025, 0, 1) });
    const response = await app.request('/', {
      method: 'POST',
      headers: {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIAEMULATOR/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Action: 'DescribeSubnets', Version: '2016-11-15', 'SubnetId.1': PRIVATE_A }).toString(),
    });
    const body = await response.text();
    const item = /<subnetSet><item>(.*)<\/item><\/subnetSet>/s.exec(body)?.[1] ?? '';
    const model = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'vendor-specs', 'aws-ec2', 'ec2-2016-11-15.subset.botocore-1.43.11.json'), 'utf8')) as {
      shapes: Record<string, { members?: Record<string, { locationName?: string }> }>;
    };
    const wireNames = new Set(Object.values(model.shapes.Subnet?.members ?? {}).map((member) => member.locationName));
    const topLevel = [...item.replace(/<(\w+)>(?:(?!<\/\1>).)*<\/\1>|<(\w+)\/>/gs, (_, open: string | undefined, empty: string | undefined) => ` ${open ?? empty} `).trim().split(/\s+/)];
    expect(topLevel).toEqual(expect.arrayContaining(['subnetId', 'availabilityZone', 'availableIpAddressCount', 'defaultForAz', 'tagSet']));
    expect(topLevel.filter((name) => !wireNames.has(name))).toEqual([]);
  });

  it('refuses subnet options it cannot honour, before serving anything', () => {
    expect(() => resolveEc2Options({ subnets: [{ zone: 'eu-north-9a' }] })).toThrow('zone eu-north-9a is not a zone of any served region');
    expect(() => resolveEc2Options({ subnets: [{ zone: 'us-east-1a', subnetId: PRIVATE_A }, { zone: 'us-east-1b', subnetId: PRIVATE_A }] })).toThrow('defined twice');
    expect(() => resolveEc2Options({ subnets: [{ zone: 'us-east-1a', subnetId: 'sn-1' }] })).toThrow('is not a subnet id');
  });
});
