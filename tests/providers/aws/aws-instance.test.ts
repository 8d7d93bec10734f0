import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { ProviderInstanceSchema, VendorResponseError, projectInstance } from '../../../src/contracts/index.js';
import { INSTANCE_STATUS, genericStateReason, toAWSInstance } from '../../../src/providers/aws/aws-instance.js';

const ec2Instance = (overrides: Partial<Instance> = {}): Instance => ({
  InstanceId: 'i-0123456789abcdef0',
  ImageId: 'ami-0123456789abcdef0',
  InstanceType: 'g5.xlarge',
  State: { Code: 16, Name: 'running' },
  LaunchTime: new Date(Date.UTC(2025, 0, 1)),
  Placement: { AvailabilityZone: 'us-east-1b' },
  SubnetId: 'subnet-0123456789abcdef0',
  PrivateIpAddress: '10.0.0.1',
  PublicIpAddress: '3.80.0.1',
  RootDeviceName: '/dev/xvda',
  BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeId: 'vol-0123456789abcdef0' } }],
  Tags: [
    { Key: 'Name', Value: 'trainer' },
    { Key: 'hangar:owner', Value: 'hangar-test' },
    { Key: 'hangar:instance-id', Value: 'inst_1' },
  ],
  ...overrides,
});

describe('AWS instance materialization', () => {
  it('maps every EC2 state name onto the generic status', () => {
    expect(INSTANCE_STATUS).toEqual({
      pending: 'pending',
      running: 'running',
      stopping: 'stopping',
      stopped: 'stopped',
      'shutting-down': 'terminating',
      terminated: 'terminated',
    });
    for (const [name, status] of Object.entries(INSTANCE_STATUS)) {
      expect(toAWSInstance(ec2Instance({ State: { Name: name as 'running' } }), 'us-east-1').status).toBe(status);
    }
  });

  it('reads the enhanced fields and the ownership marks', () => {
    const instance = toAWSInstance(ec2Instance(), 'us-east-1');
    expect(instance).toMatchObject({
      providerId: 'i-0123456789abcdef0',
      name: 'trainer',
      region: 'us-east-1',
      zone: 'us-east-1b',
      availabilityZone: 'us-east-1b',
      owner: 'hangar-test',
      hangarInstanceId: 'inst_1',
      spot: false,
      lifecycle: 'on-demand',
      volumes: [{ deviceName: '/dev/xvda', volumeId: 'vol-0123456789abcdef0', root: true }],
      privateIp: '10.0.0.1',
      publicIp: '3.80.0.1',
      launchTime: '2025-01-01T00:00:00.000Z',
      stateReason: null,
    });
    expect(Object.keys(projectInstance(instance)).sort()).toEqual(Object.keys(ProviderInstanceSchema.shape).sort());
  });

  it('reports a spot interruption as SPOT_INTERRUPTED and keeps EC2’s reason verbatim', () => {
    const reclaimed = toAWSInstance(
      ec2Instance({
        State: { Code: 48, Name: 'terminated' },
        InstanceLifecycle: 'spot',
        SpotInstanceRequestId: 'sir-abcdef12',
        StateReason: { Code: 'Server.SpotInstanceTermination', Message: 'Server.SpotInstanceTermination: Spot instance termination' },
      }),
      'us-east-1',
    );
    expect(reclaimed.stateReason).toEqual({ code: 'SPOT_INTERRUPTED', message: 'Server.SpotInstanceTermination: Spot instance termination' });
    expect(reclaimed.ec2StateReason?.code).toBe('Server.SpotInstanceTermination');
    expect(reclaimed.spot).toBe(true);
    expect(reclaimed.spotInstanceRequestId).toBe('sir-abcdef12');
  });

  it('gives a user-initiated shutdown no taxonomy reason', () => {
    expect(genericStateReason({ code: 'Client.UserInitiatedShutdown', message: 'bye' })).toBeNull();
    expect(genericStateReason(null)).toBeNull();
  });

  it('fails loudly on a shape it cannot read', () => {
    expect(() => toAWSInstance(ec2Instance({ State: { Name: 'exploded' as 'running' } }), 'us-east-1')).toThrow(VendorResponseError);
    expect(() => toAWSInstance(ec2Instance({ LaunchTime: undefined }), 'us-east-1')).toThrow(VendorResponseError);
  });
});
