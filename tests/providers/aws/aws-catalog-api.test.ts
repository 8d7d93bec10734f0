import { describe, expect, it } from 'vitest';
import { useTestBed } from '../../support/use-test-bed.js';
import { startAwsControlPlaneBed } from './aws-control-plane-bed.js';
import { ec2ClientOf, tamperWithAnswer } from './ec2-answer-tamper.js';

process.env.AWS_EC2_METADATA_DISABLED = 'true';

const open = useTestBed(startAwsControlPlaneBed);

describe('the AWS catalog through the API', () => {
  it('shows fractional GPUs and spawns a fractional-GPU type (the real catalog no longer breaks every spawn)', async () => {
    const bed = await open();
    const catalog = await bed.call('GET', '/v1/providers/aws/instance-types');
    expect(catalog.status).toBe(200);
    const types = catalog.json.instanceTypes as { name: string; gpu: unknown }[];
    expect(types.find((type) => type.name === 'g6f.large')?.gpu).toEqual({ model: 'L4', count: 1, fraction: 0.125, memoryGiB: 2861 / 1024 });
    expect(catalog.json).toMatchObject({ provider: 'aws', skipped: [], warnings: [] });
    const spawned = await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 'g6f.large', region: 'us-east-1' });
    expect(spawned.status).toBe(202);
    expect(spawned.json).toMatchObject({ instanceType: 'g6f.large', status: 'provisioning' });
  });

  it('names a catalog entry it skipped in the catalog warnings and in provider health; spawns of other types go on', async () => {
    const bed = await open();
    tamperWithAnswer(ec2ClientOf(bed.registration, 'us-east-1'), 'DescribeInstanceTypesCommand', (output) => {
      for (const type of (output.InstanceTypes ?? []) as { InstanceType?: string; VCpuInfo?: unknown }[]) if (type.InstanceType === 'm5.large') delete type.VCpuInfo;
    });
    const catalog = await bed.call('GET', '/v1/providers/aws/instance-types');
    expect(catalog.status).toBe(200);
    expect((catalog.json.instanceTypes as { name: string }[]).map((type) => type.name)).not.toContain('m5.large');
    expect(catalog.json.skipped).toEqual([{ id: 'm5.large', reason: expect.stringContaining('VCpuInfo') }]);
    expect(catalog.json.warnings).toEqual([expect.stringMatching(/^skipped catalog entry m5\.large: .*VCpuInfo/)]);
    const health = await bed.call('GET', '/v1/providers/aws/health');
    expect(health.json.skippedEntries).toMatchObject({ total: 1, byKind: { 'instance-type': 1 }, entries: [expect.objectContaining({ id: 'm5.large' })] });
    const spawned = await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 't3.micro', region: 'us-east-1' });
    expect(spawned.status).toBe(202);
    // The skipped type is not offered, so a spawn of it is the caller's 4xx, not a provider failure.
    const refused = await bed.call('POST', '/v1/instances', { provider: 'aws', instanceType: 'm5.large', region: 'us-east-1' });
    expect(refused.status).toBe(422);
    expect(refused.json).toMatchObject({ error: { code: 'UNKNOWN_INSTANCE_TYPE' } });
  });
});
