import { Ec2Error } from './ec2-error.js';

/** EC2 ids are a prefix and 8 (legacy) or 17 lowercase hex digits. */
function idPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}-(?:[0-9a-f]{8}|[0-9a-f]{17})$`);
}

const INSTANCE_ID = idPattern('i');
const AMI_ID = idPattern('ami');
const VOLUME_ID = idPattern('vol');
const SNAPSHOT_ID = idPattern('snap');
/** Spot request ids keep the short form: `sir-` and 8 characters. */
const SPOT_REQUEST_ID = /^sir-[0-9a-z]{8}$/;

export function assertInstanceIdFormat(id: string): void {
  if (!INSTANCE_ID.test(id)) throw new Ec2Error('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
}

export function assertAmiIdFormat(id: string): void {
  if (!AMI_ID.test(id)) throw new Ec2Error('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
}

export function assertVolumeIdFormat(id: string): void {
  if (!VOLUME_ID.test(id)) throw new Ec2Error('InvalidVolumeID.Malformed', `Invalid id: "${id}" (expecting "vol-...")`);
}

export function assertSnapshotIdFormat(id: string): void {
  if (!SNAPSHOT_ID.test(id)) throw new Ec2Error('InvalidSnapshotID.Malformed', `Invalid id: "${id}" (expecting "snap-...")`);
}

export function assertSpotRequestIdFormat(id: string): void {
  if (!SPOT_REQUEST_ID.test(id)) throw new Ec2Error('InvalidSpotInstanceRequestID.Malformed', `Invalid id: "${id}" (expecting "sir-...")`);
}
