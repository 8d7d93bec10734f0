import { beforeEach, afterEach, describe, expect, it, vi } from 'vitest';
import type { AWSInstance } from '../../../src/providers/aws/aws-instance.js';
import type { MultiAzProbeResult } from '../../../src/providers/aws/multi-az-probe.js';
import type { SpotFleetResult } from '../../../src/providers/aws/spot-fleet.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { waitFor } from '../../support/wait-for.js';
import { startAwsControlPlaneBed } from './aws-control-plane-bed.js';

const open = useTestBed(startAwsControlPlaneBed);

beforeEach(() => {
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('AWS under a control plane: the multi-AZ probe and the spot fleet use the control plane’s capacity-error cache', () => {
  it('their refusals land in GET /v1/capacity-errors (source provider), and what the control plane recorded makes them skip', async () => {
    const bed = await open({ capacity: { byZone: { 'us-east-1a': { 'g5.xlarge': 0 } } } });
    const probe = bed.registration.workflows?.['multi-az-probe'];
    const probeInput = (n: number) => ({
      instanceType: 'g5.xlarge',
      region: 'us-east-1',
      name: `probe-${n}`,
      idempotencyToken: `cp-probe-${n}`,
      ownership: { owner: 'hangar', instanceId: `inst_cp_probe_${n}` },
    });
    const first = (await probe?.run(probe.input.parse(probeInput(1)))) as MultiAzProbeResult<AWSInstance>;
    expect(first.attempts.map((attempt) => [attempt.zone, attempt.outcome])).toEqual([
      ['us-east-1a', 'failed'],
      ['us-east-1b', 'launched'],
    ]);
    const [learned] = await waitFor('the probe’s refusal in the cache', async () => {
      const items = (await bed.call('GET', '/v1/capacity-errors?provider=aws')).json.items ?? [];
      return items.length > 0 ? items : undefined;
    });
    expect(learned).toMatchObject({ provider: 'aws', region: 'us-east-1', zone: 'us-east-1a', instanceType: 'g5.xlarge', market: 'on-demand', code: 'CAPACITY_ERROR', source: 'provider', active: true });

    // The control plane learns on its own that us-east-1b is short of g5.xlarge (any market).
    await bed.plane.ctx.capacityErrors.record({ provider: 'aws', region: 'us-east-1', zone: 'us-east-1b', instanceType: 'g5.xlarge', market: null, code: 'CAPACITY_ERROR', message: 'a spawn was refused', source: 'spawn' });
    const second = (await probe?.run(probe.input.parse(probeInput(2)))) as MultiAzProbeResult<AWSInstance>;
    expect(second.attempts.map((attempt) => [attempt.zone, attempt.outcome])).toEqual([
      ['us-east-1a', 'skipped-cached'],
      ['us-east-1b', 'skipped-cached'],
      ['us-east-1c', 'launched'],
    ]);

    // The fleet reads the same cache: the spot pool in us-east-1b is blocked by the control plane's market-wide entry.
    const fleet = bed.registration.workflows?.['spot-fleet'];
    const result = (await fleet?.run(
      fleet.input.parse({ region: 'us-east-1', instanceTypes: ['g5.xlarge'], zones: ['us-east-1b', 'us-east-1c'], count: 1, idempotencyToken: 'cp-fleet-1', ownership: { owner: 'hangar', instanceIds: ['inst_cp_fleet_1'] } }),
    )) as SpotFleetResult;
    expect(result.skipped).toEqual([{ instanceType: 'g5.xlarge', zone: 'us-east-1b', reason: 'a spawn was refused' }]);
    expect(result.machines.map((machine) => machine.zone)).toEqual(['us-east-1c']);
  });
});
