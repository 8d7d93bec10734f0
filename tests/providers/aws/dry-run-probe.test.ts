import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../src/contracts/index.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { startAwsTestBed } from './aws-test-bed.js';

const open = useTestBed(startAwsTestBed);

describe('AWS dry-run probe (RunInstances with DryRun)', () => {
  it('proves the credentials may launch, and launches nothing', async () => {
    const bed = await open();
    const probe = bed.registration.workflows?.['dry-run-probe'];
    expect(await probe?.run({})).toMatchObject({ region: 'us-east-1', instanceType: 't3.micro', wouldSucceed: true, ec2Code: 'DryRunOperation' });
    expect(await probe?.run({ region: 'us-west-2', instanceType: 'g5.xlarge' })).toMatchObject({ region: 'us-west-2', wouldSucceed: true });
    expect(bed.emulator.state.instances.size).toBe(0);
  });

  it('reports UnauthorizedOperation as a probe that would not succeed', async () => {
    const bed = await open({ deniedActions: ['RunInstances'] });
    const result = await bed.registration.workflows?.['dry-run-probe']?.run({});
    expect(result).toMatchObject({ wouldSucceed: false, ec2Code: 'UnauthorizedOperation' });
  });

  it('raises what the error table says for any other refusal', async () => {
    const bed = await open();
    const error = await bed.registration.workflows?.['dry-run-probe']?.run({ imageId: 'ami-bad' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('INVALID_SPEC');
  });
});
