import { itemList, tagSet } from './ec2-xml.js';
import type { ResolvedEc2Options } from './ec2-options.js';
import type { Ec2InstanceRecord } from './ec2-state.js';
import { type Ec2InstanceStateName, INSTANCE_STATE_CODES, instanceStateAt, terminationStartedAt, wasSpotInterruptedAt } from './instance-lifecycle.js';
import { dataVolumeMappings } from './volume-xml.js';
import { type XmlElement, el } from './xml-renderer.js';

export function instanceStateXml(name: string, state: Ec2InstanceStateName): XmlElement[] {
  return el(name, [...el('code', INSTANCE_STATE_CODES[state]), ...el('name', state)]);
}

/** One `Instance` in its wire form (locationNames from the botocore model). */
export function instanceXml(instance: Ec2InstanceRecord, now: number, options: ResolvedEc2Options): XmlElement[] {
  const state = instanceStateAt(instance, now, options);
  const gone = state === 'terminated';
  const reachable = state === 'running';
  const startedAt = terminationStartedAt(instance, now);
  const terminatedBy = startedAt === undefined ? undefined : new Date(startedAt).toISOString();
  const interrupted = wasSpotInterruptedAt(instance, now);
  return [
    ...el('instanceId', instance.instanceId),
    ...el('imageId', instance.imageId),
    ...instanceStateXml('instanceState', state),
    ...el('privateDnsName', gone ? '' : privateDnsName(instance)),
    ...el('dnsName', reachable ? `ec2-${instance.publicIpAddress.replaceAll('.', '-')}.compute-1.amazonaws.com` : ''),
    ...el('reason', terminatedBy === undefined ? '' : `${interrupted ? 'Service' : 'User'} initiated (${terminatedBy.replace('T', ' ').replace(/\.\d+Z$/, ' GMT')})`),
    ...el('keyName', instance.keyName),
    ...el('amiLaunchIndex', instance.amiLaunchIndex),
    ...el('productCodes', []),
    ...el('instanceType', instance.instanceType),
    ...el('launchTime', new Date(instance.launchedAt)),
    ...el('placement', [...el('availabilityZone', instance.zone), ...el('groupName', ''), ...el('tenancy', 'default')]),
    ...el('monitoring', el('state', 'disabled')),
    ...(gone ? [] : [...el('subnetId', instance.subnetId), ...el('vpcId', instance.vpcId), ...el('privateIpAddress', instance.privateIpAddress)]),
    ...el('ipAddress', reachable ? instance.publicIpAddress : undefined),
    ...el('groupSet', []),
    ...(startedAt === undefined ? [] : stateReasonXml(interrupted)),
    ...el('architecture', 'x86_64'),
    ...el('rootDeviceType', 'ebs'),
    ...el('rootDeviceName', '/dev/xvda'),
    ...itemList('blockDeviceMapping', gone ? [] : [rootVolumeMapping(instance), ...dataVolumeMappings(instance, now, options)]),
    ...el('virtualizationType', 'hvm'),
    ...el('instanceLifecycle', instance.spotInstanceRequestId === undefined ? undefined : 'spot'),
    ...el('spotInstanceRequestId', instance.spotInstanceRequestId),
    ...el('clientToken', instance.clientToken ?? ''),
    ...(instance.tags.size === 0 ? [] : tagSet(instance.tags)),
    ...el('hypervisor', 'xen'),
    ...el('ebsOptimized', false),
  ];
}

/** StateReason codes from the model: a reclaimed spot instance says Server.SpotInstanceTermination. */
function stateReasonXml(spotInterrupted: boolean): XmlElement[] {
  const [code, message] = spotInterrupted
    ? ['Server.SpotInstanceTermination', 'Server.SpotInstanceTermination: Spot instance termination']
    : ['Client.UserInitiatedShutdown', 'Client.UserInitiatedShutdown: User initiated shutdown'];
  return el('stateReason', [...el('code', code), ...el('message', message)]);
}

function privateDnsName(instance: Ec2InstanceRecord): string {
  return `ip-${instance.privateIpAddress.replaceAll('.', '-')}.ec2.internal`;
}

function rootVolumeMapping(instance: Ec2InstanceRecord): XmlElement[] {
  return [
    ...el('deviceName', '/dev/xvda'),
    ...el('ebs', [
      ...el('volumeId', instance.rootVolumeId),
      ...el('status', 'attached'),
      ...el('attachTime', new Date(instance.launchedAt)),
      ...el('deleteOnTermination', true),
    ]),
  ];
}

export function reservationXml(reservationId: string, ownerId: string, instanceItems: readonly (readonly XmlElement[])[]): XmlElement[] {
  return [...el('reservationId', reservationId), ...el('ownerId', ownerId), ...el('groupSet', []), ...itemList('instancesSet', instanceItems)];
}
