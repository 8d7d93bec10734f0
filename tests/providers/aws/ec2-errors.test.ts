import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { PROVIDER_ERROR_TAXONOMY, ProviderError } from '../../../src/contracts/index.js';
import { EC2_ERROR_TABLE, Ec2CallError, ec2CodeBehind, ec2CodeOf, ec2Error, ec2ErrorRow } from '../../../src/providers/aws/ec2-errors.js';

const answered = (code: string, message = 'from EC2'): EC2ServiceException =>
  new EC2ServiceException({ name: code, $fault: 'client', $metadata: { httpStatusCode: 400 }, message });

/** A concrete code for each row: prefix rows are exercised with a real member of their family. */
const exampleCode = (row: { ec2Code: string }): string => (row.ec2Code.endsWith('.') ? `${row.ec2Code}NotFound` : row.ec2Code);

describe('EC2 error table', () => {
  it.each(EC2_ERROR_TABLE.map((row) => [exampleCode(row), row] as const))('%s -> its taxonomy code', (code, row) => {
    const error = ec2Error('RunInstances', 'us-east-1', answered(code, 'vendor says no'));
    expect(error).toBeInstanceOf(ProviderError);
    const providerError = error as ProviderError;
    expect(providerError.code).toBe(row.outcome);
    expect(providerError.retryable).toBe(PROVIDER_ERROR_TAXONOMY[row.outcome].retryable);
    expect(providerError.provider).toBe('aws');
    expect(providerError.message).toContain(code);
    expect(providerError.message).toContain('vendor says no');
    expect(providerError.message).toContain('us-east-1');
  });

  it('keeps the EC2 code behind a provider error readable (capacity and price refusals share CAPACITY_ERROR)', () => {
    expect(ec2CodeBehind(ec2Error('RunInstances', 'us-east-1', answered('SpotMaxPriceTooLow')) as ProviderError)).toBe('SpotMaxPriceTooLow');
    expect(ec2CodeBehind(ec2Error('RunInstances', 'us-east-1', answered('InsufficientInstanceCapacity')) as ProviderError)).toBe('InsufficientInstanceCapacity');
    expect(ec2CodeBehind(new ProviderError({ code: 'CAPACITY_ERROR', provider: 'aws', message: 'no cause' }))).toBeNull();
  });

  it('covers the codes the control plane reasons about', () => {
    const expected: Record<string, string> = {
      InsufficientInstanceCapacity: 'CAPACITY_ERROR',
      InsufficientFreeAddressesInSubnet: 'CAPACITY_ERROR',
      Unsupported: 'CAPACITY_ERROR',
      SpotMaxPriceTooLow: 'CAPACITY_ERROR',
      MaxSpotInstanceCountExceeded: 'QUOTA_EXCEEDED',
      VcpuLimitExceeded: 'QUOTA_EXCEEDED',
      InstanceLimitExceeded: 'QUOTA_EXCEEDED',
      RequestLimitExceeded: 'RATE_LIMIT_ERROR',
      AuthFailure: 'AUTH_ERROR',
      UnauthorizedOperation: 'AUTH_ERROR',
      InvalidParameterValue: 'INVALID_SPEC',
      'InvalidAMIID.Malformed': 'INVALID_SPEC',
      'InvalidAMIID.NotFound': 'INVALID_SPEC',
      'InvalidAMIID.Unavailable': 'INVALID_SPEC',
      'InvalidInstanceID.NotFound': 'NOT_FOUND',
    };
    for (const [code, outcome] of Object.entries(expected)) expect(ec2ErrorRow(code)?.outcome, code).toBe(outcome);
  });

  it('matches prefixes only at a family boundary', () => {
    expect(ec2ErrorRow('InvalidAMIIDX')).toBeUndefined();
    expect(ec2ErrorRow('InvalidInstanceID.Unknown')).toBeUndefined();
  });

  it('leaves unmapped codes and non-EC2 failures outside the taxonomy (outcome unknown)', () => {
    for (const code of ['InternalError', 'Unavailable', 'DryRunOperation', 'IncorrectInstanceState']) {
      const error = ec2Error('RunInstances', 'us-west-2', answered(code));
      expect(error, code).toBeInstanceOf(Ec2CallError);
      expect((error as Ec2CallError).ec2Code).toBe(code);
    }
    const network = ec2Error('DescribeInstances', 'us-east-1', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(network).toBeInstanceOf(Ec2CallError);
    expect((network as Ec2CallError).ec2Code).toBeNull();
    expect(ec2CodeOf(new Error('plain'))).toBeNull();
  });

  it('passes an already classified error through unchanged', () => {
    const original = new ProviderError({ code: 'INVALID_SPEC', provider: 'aws', message: 'x' });
    expect(ec2Error('RunInstances', 'us-east-1', original)).toBe(original);
  });
});

describe('EC2 error causes', () => {
  it('carry the code and message but not the raw HTTP exchange', () => {
    const raw = Object.assign(answered('InsufficientInstanceCapacity', 'none left'), { $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA…' } } });
    const error = ec2Error('RunInstances', 'us-east-1', raw) as ProviderError;
    const cause = error.cause as Error & Record<string, unknown>;
    expect(cause.name).toBe('InsufficientInstanceCapacity');
    expect(cause.message).toBe('none left');
    expect(cause.httpStatusCode).toBe(400);
    expect(JSON.stringify(cause)).not.toContain('AKIA');
    expect('$response' in cause).toBe(false);
  });
});
