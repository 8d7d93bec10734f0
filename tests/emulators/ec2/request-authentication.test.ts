import { DescribeAvailabilityZonesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startEc2Emulator } from '../../../src/emulators/ec2/start-ec2-emulator.js';
import type { Ec2EmulatorOptions } from '../../../src/emulators/ec2/ec2-options.js';
import { useTestBed } from '../../support/use-test-bed.js';
import { rejectionOf } from './ec2-test-client.js';

/** The key pair the emulator knows; the tests sign with it, with a stranger's key, and with a wrong secret. */
const KNOWN = { accessKeyId: 'AKIAKNOWNKEY0000001', secretAccessKey: 'known-secret-value-0001' };
const STRANGER = { accessKeyId: 'AKIASTRANGER0000002', secretAccessKey: 'stranger-secret-value-0002' };
const WRONG_SECRET = { accessKeyId: KNOWN.accessKeyId, secretAccessKey: 'planted-wrong-secret-0003', sessionToken: 'planted-session-token-0004' };

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const open = useTestBed(async (options: Ec2EmulatorOptions = {}) => {
  const emulator = await startEc2Emulator({ seed: 7, now: () => Date.UTC(2025, 0, 1, 12), ...options });
  const clients: { destroy(): void }[] = [];
  const ec2 = (credentials: Credentials, region = 'us-east-1'): EC2Client => {
    const client = new EC2Client({ endpoint: emulator.url, region, credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  const pricing = (credentials: Credentials): PricingClient => {
    const client = new PricingClient({ endpoint: emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
    clients.push(client);
    return client;
  };
  return {
    emulator,
    ec2,
    pricing,
    close: async () => {
      for (const client of clients) client.destroy();
      await emulator.close();
    },
  };
});

beforeEach(() => {
  // Loopback only: the SDK must never look for credentials on an instance metadata endpoint.
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('EC2 emulator: request authentication (SigV4)', () => {
  it('accepts any well-formed signature when no access keys are configured (the default)', async () => {
    const bed = await open();
    await expect(bed.ec2(STRANGER).send(new DescribeAvailabilityZonesCommand({}))).resolves.toBeDefined();
    await expect(bed.ec2(WRONG_SECRET).send(new DescribeAvailabilityZonesCommand({}))).resolves.toBeDefined();
  });

  it('accepts a request signed with a configured key pair', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const answer = await bed.ec2(KNOWN).send(new DescribeAvailabilityZonesCommand({}));
    expect(answer.AvailabilityZones?.length).toBeGreaterThan(0);
    const west = await bed.ec2(KNOWN, 'us-west-2').send(new DescribeAvailabilityZonesCommand({}));
    expect(west.AvailabilityZones?.[0]?.ZoneName).toMatch(/^us-west-2/);
  });

  it('answers AuthFailure (401) for an access key it does not know, without echoing the key', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const refused = await rejectionOf(bed.ec2(STRANGER).send(new DescribeAvailabilityZonesCommand({})));
    expect(refused.name).toBe('AuthFailure');
    expect(refused.$metadata.httpStatusCode).toBe(401);
    expect(refused.message).toBe('AWS was not able to validate the provided access credentials');
    expect(refused.message).not.toContain(STRANGER.accessKeyId);
  });

  it('answers AuthFailure (401) for a known key with a signature made with the wrong secret', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const refused = await rejectionOf(bed.ec2(WRONG_SECRET).send(new DescribeAvailabilityZonesCommand({})));
    expect(refused.name).toBe('AuthFailure');
    expect(refused.$metadata.httpStatusCode).toBe(401);
    expect(refused.message).not.toContain(WRONG_SECRET.secretAccessKey);
  });

  it('checks the signature over the body: a request altered after signing is refused', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const client = bed.ec2(KNOWN);
    // After signing, alter the body (same length, so Content-Length still holds): what EC2 receives no longer matches what was signed.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { body?: unknown };
        if (typeof request.body === 'string') request.body = request.body.replace('Version=2016-11-15', 'Version=2016-11-16');
        return next(args);
      },
      { step: 'deserialize', name: 'tamperAfterSigning' },
    );
    const refused = await rejectionOf(client.send(new DescribeAvailabilityZonesCommand({})));
    expect(refused.name).toBe('AuthFailure');
  });
});

describe('Price List emulator: request authentication (JSON 1.1)', () => {
  it('answers UnrecognizedClientException for an unknown access key', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const refused = await rejectionOf(bed.pricing(STRANGER).send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 1 })));
    expect(refused.name).toBe('UnrecognizedClientException');
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect(refused.message).toBe('The security token included in the request is invalid.');
  });

  it('answers InvalidSignatureException, with the canonical request as real AWS does, for a wrong secret', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const refused = await rejectionOf(bed.pricing(WRONG_SECRET).send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 1 })));
    expect(refused.name).toBe('InvalidSignatureException');
    expect(refused.$metadata.httpStatusCode).toBe(400);
    expect(refused.message.split('\n')[0]).toBe(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    );
    // AWS prints the canonical request it computed, signed headers included: the session token is one of them.
    expect(refused.message).toContain('The Canonical String for this request should have been');
    expect(refused.message).toContain(WRONG_SECRET.sessionToken);
    expect(refused.message).not.toContain(WRONG_SECRET.secretAccessKey);
  });

  it('serves a known key', async () => {
    const bed = await open({ accessKeys: [KNOWN] });
    const answer = await bed.pricing(KNOWN).send(new GetProductsCommand({ ServiceCode: 'AmazonEC2', MaxResults: 1 }));
    expect(answer.PriceList).toHaveLength(1);
  });
});
