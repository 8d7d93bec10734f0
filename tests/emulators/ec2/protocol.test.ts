import { describe, expect, it } from 'vitest';
import { createEc2Emulator } from '../../../src/emulators/ec2/ec2-emulator.js';

const SIGNED = 'AWS4-HMAC-SHA256 Credential=AKIAEMULATOR/20250101/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';

function post(body: string, headers: Record<string, string> = { authorization: SIGNED }): Promise<Response> {
  const { app } = createEc2Emulator({ now: () => Date.UTC(2025, 0, 1) });
  return Promise.resolve(app.request('/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body }));
}

describe('EC2 emulator: wire protocol', () => {
  it('answers in the EC2 namespace with a requestId', async () => {
    const response = await post('Action=DescribeAvailabilityZones&Version=2016-11-15');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    const body = await response.text();
    expect(body).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeAvailabilityZonesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><availabilityZoneInfo><item>/);
  });

  it('refuses a request without an Authorization header with AuthFailure', async () => {
    const response = await post('Action=DescribeInstances&Version=2016-11-15', {});
    expect(response.status).toBe(401);
    expect(await response.text()).toMatch(/<Response><Errors><Error><Code>AuthFailure<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it('refuses a region it does not serve', async () => {
    const response = await post('Action=DescribeInstances&Version=2016-11-15', { authorization: SIGNED.replace('us-east-1', 'eu-north-9') });
    expect(response.status).toBe(401);
    expect(await response.text()).toContain('<Code>AuthFailure</Code>');
  });

  it('reports a missing or unknown Action', async () => {
    const missing = await post('Version=2016-11-15');
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<Code>MissingAction</Code>');
    const unknown = await post('Action=LaunchRockets&Version=2016-11-15');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('escapes tag values in responses', async () => {
    const { app } = createEc2Emulator();
    const response = await app.request('/', {
      method: 'POST',
      headers: { authorization: SIGNED, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        Action: 'RunInstances',
        Version: '2016-11-15',
        MinCount: '1',
        MaxCount: '1',
        ImageId: 'ami-12345678',
        InstanceType: 't3.micro',
        'TagSpecification.1.ResourceType': 'instance',
        'TagSpecification.1.Tag.1.Key': 'note',
        'TagSpecification.1.Tag.1.Value': '</value><injected>&',
      }).toString(),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<value>&lt;/value&gt;&lt;injected&gt;&amp;</value>');
  });
});
