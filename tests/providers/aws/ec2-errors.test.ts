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
      // Real codes that used to leave the outcome unknown (issue 10).
      'AuthFailure.ServiceLinkedRoleCreationNotPermitted': 'AUTH_ERROR',
      PendingVerification: 'AUTH_ERROR',
      Blocked: 'AUTH_ERROR',
      OptInRequired: 'AUTH_ERROR',
      VPCIdNotSpecified: 'INVALID_SPEC',
      MaxFleetCountExceeded: 'QUOTA_EXCEEDED',
      'InvalidLaunchTemplateName.NotFoundException': 'NOT_FOUND',
      // Credentials AWS does not accept, as EC2 and the other query services spell it.
      InvalidClientTokenId: 'AUTH_ERROR',
      SignatureDoesNotMatch: 'AUTH_ERROR',
      IncompleteSignature: 'AUTH_ERROR',
      MissingAuthenticationToken: 'AUTH_ERROR',
    };
    for (const [code, outcome] of Object.entries(expected)) expect(ec2ErrorRow(code)?.outcome, code).toBe(outcome);
  });

  it('matches prefixes only at a family boundary', () => {
    expect(ec2ErrorRow('InvalidAMIIDX')).toBeUndefined();
    expect(ec2ErrorRow('InvalidInstanceID.Unknown')).toBeUndefined();
  });

  it('matches the AuthFailure family by prefix, and plain AuthFailure still', () => {
    expect(ec2ErrorRow('AuthFailure')?.outcome).toBe('AUTH_ERROR');
    expect(ec2ErrorRow('AuthFailure.SomethingNew')?.outcome).toBe('AUTH_ERROR');
    expect(ec2ErrorRow('AuthFailureX')).toBeUndefined();
  });

  it('makes the SDK’s “no credentials found” an AUTH_ERROR, not an unknown outcome', () => {
    // What the default credential chain throws when no provider has credentials (@smithy/property-provider).
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError', tryNextLink: false });
    const error = ec2Error('RunInstances', 'us-east-1', missing);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('AUTH_ERROR');
    expect((error as ProviderError).retryable).toBe(false);
    expect(error.message).toMatch(/no AWS credentials/);
  });

  it('keeps only the first line of a vendor message: AWS appends the canonical request, signed headers and session token included', () => {
    const message =
      'The request signature we calculated does not match the signature you provided.\n\nThe Canonical String for this request should have been\n\'POST\n/\n\nx-amz-security-token:planted-session-token\n\'';
    const error = ec2Error('DescribeInstances', 'us-east-1', answered('SignatureDoesNotMatch', message)) as ProviderError;
    expect(error.code).toBe('AUTH_ERROR');
    expect(error.message).toContain('The request signature we calculated does not match the signature you provided.');
    expect(error.message).not.toContain('planted-session-token');
    expect(JSON.stringify({ message: (error.cause as Error).message })).not.toContain('planted-session-token');
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
