import { cancelSpotInstanceRequests } from './cancel-spot-instance-requests.js';
import { attachVolume } from './attach-volume.js';
import { createFleet } from './create-fleet.js';
import { createSnapshot } from './create-snapshot.js';
import { createTags } from './create-tags.js';
import { createVolume } from './create-volume.js';
import { deleteTags } from './delete-tags.js';
import { deleteVolume } from './delete-volume.js';
import { deleteSnapshot } from './delete-snapshot.js';
import { describeAvailabilityZones } from './describe-availability-zones.js';
import { describeInstanceTypeOfferings } from './describe-instance-type-offerings.js';
import { describeInstanceTypes } from './describe-instance-types.js';
import { describeInstances } from './describe-instances.js';
import { describeSnapshots } from './describe-snapshots.js';
import { describeSpotInstanceRequests } from './describe-spot-instance-requests.js';
import { describeSpotPriceHistory } from './describe-spot-price-history.js';
import { describeSubnets } from './describe-subnets.js';
import { describeVolumes } from './describe-volumes.js';
import { detachVolume } from './detach-volume.js';
import type { Ec2Operation } from './ec2-operation.js';
import { createLaunchTemplate, deleteLaunchTemplate, describeLaunchTemplates } from './launch-templates.js';
import { runInstances } from './run-instances.js';
import { terminateInstances } from './terminate-instances.js';

/** Every Action the emulator answers; anything else is `InvalidAction`. */
export const EC2_OPERATIONS: Readonly<Record<string, Ec2Operation>> = {
  RunInstances: runInstances,
  DescribeInstances: describeInstances,
  TerminateInstances: terminateInstances,
  DescribeAvailabilityZones: describeAvailabilityZones,
  DescribeInstanceTypes: describeInstanceTypes,
  DescribeInstanceTypeOfferings: describeInstanceTypeOfferings,
  DescribeSpotPriceHistory: describeSpotPriceHistory,
  DescribeSubnets: describeSubnets,
  DescribeSpotInstanceRequests: describeSpotInstanceRequests,
  CancelSpotInstanceRequests: cancelSpotInstanceRequests,
  CreateSnapshot: createSnapshot,
  DescribeSnapshots: describeSnapshots,
  DeleteSnapshot: deleteSnapshot,
  CreateFleet: createFleet,
  CreateLaunchTemplate: createLaunchTemplate,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  CreateTags: createTags,
  CreateVolume: createVolume,
  DescribeVolumes: describeVolumes,
  AttachVolume: attachVolume,
  DetachVolume: detachVolume,
  DeleteVolume: deleteVolume,
  DeleteTags: deleteTags,
};
