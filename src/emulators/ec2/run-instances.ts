import { type Ec2InstanceTypeInfo, findInstanceType } from './ec2-catalog.js';
import { Ec2Error, dryRunSucceeded, invalidParameterValue, missingParameter } from './ec2-error.js';
import { assertAmiIdFormat } from './ec2-id-formats.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import type { Ec2ZoneOption } from './ec2-options.js';
import type { Ec2InstanceRecord, Ec2SpotRequestRecord } from './ec2-state.js';
import { holdsCapacityAt } from './instance-lifecycle.js';
import { instanceXml, reservationXml } from './instance-xml.js';
import { hashToHex } from './seeded-ids.js';
import { type SpotMarketRequest, parseInstanceMarketOptions } from './spot-market-options.js';
import { spotPriceAt } from './spot-prices.js';
import { parseTagSpecifications } from './tag-specifications.js';
import type { XmlElement } from './xml-renderer.js';

/** RunInstances' documented default; the emulator does not sell it, so omitting InstanceType fails like an unknown type. */
const DEFAULT_INSTANCE_TYPE = 'm1.small';
const ROOT_VOLUME_SIZE_GIB = 8;
const MAX_USER_DATA_BYTES = 16 * 1024;

export const runInstances: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const minCount = params.integer('MinCount');
  const maxCount = params.integer('MaxCount');
  if (minCount === undefined) throw missingParameter('MinCount');
  if (maxCount === undefined) throw missingParameter('MaxCount');
  if (minCount < 1) throw invalidParameterValue(`Value (${minCount}) for parameter minCount is invalid. Expected a positive integer.`);
  if (maxCount < minCount) throw invalidParameterValue(`Value (${maxCount}) for parameter maxCount is invalid. It must be at least minCount (${minCount}).`);
  const imageId = params.string('ImageId');
  if (imageId === undefined) throw missingParameter('ImageId');
  assertAmiIdFormat(imageId);
  const instanceType = params.string('InstanceType') ?? DEFAULT_INSTANCE_TYPE;
  const typeInfo = findInstanceType(instanceType);
  if (typeInfo === undefined) throw invalidParameterValue(`The following supplied instance types do not exist: [${instanceType}]`);
  const requestedZone = params.struct('Placement').string('AvailabilityZone');
  if (requestedZone !== undefined && !region.zones.some((zone) => zone.name === requestedZone)) {
    throw invalidParameterValue(`Invalid availability zone: [${requestedZone}]`);
  }
  const tags = parseTagSpecifications(params, ['instance', 'volume', 'spot-instances-request', 'network-interface']);
  const userData = params.string('UserData');
  if (userData !== undefined) assertUserData(userData);
  const clientToken = params.string('ClientToken');
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw invalidParameterValue('The client token must be at most 64 ASCII characters.');
  }
  const spot = parseInstanceMarketOptions(params);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();

  const fingerprint = params.fingerprint(['Action', 'Version', 'ClientToken', 'DryRun']);
  if (clientToken !== undefined && clientToken !== '') {
    const previous = state.idempotencyRecord(region.name, clientToken);
    if (previous !== undefined) {
      if (previous.fingerprint !== fingerprint) {
        throw new Ec2Error('IdempotentParameterMismatch', 'The client token you have provided is associated with a resource that is already deleted or with a request that has different parameters. Please use a different client token.');
      }
      return renderReservation(context, previous.reservationId);
    }
  }

  const { zone, count } = placeInstances(context, typeInfo, requestedZone, minCount, maxCount, spot);
  const reservationId = state.ids.resourceId('r');
  for (let index = 0; index < count; index += 1) {
    const seq = state.nextSeq();
    const instanceId = state.ids.resourceId('i');
    const spotInstanceRequestId = spot === undefined ? undefined : state.ids.resourceId('sir', 8);
    const instance: Ec2InstanceRecord = {
      seq,
      instanceId,
      reservationId,
      region: region.name,
      zone: zone.name,
      instanceType,
      imageId,
      launchedAt: now,
      terminateRequestedAt: undefined,
      tags: new Map(tags.get('instance')),
      volumeTags: new Map(tags.get('volume')),
      userData,
      clientToken,
      keyName: params.string('KeyName'),
      spotInstanceRequestId,
      rootVolumeId: state.ids.resourceId('vol'),
      rootVolumeSizeGiB: ROOT_VOLUME_SIZE_GIB,
      privateIpAddress: `10.0.${(seq >> 8) & 0xff}.${seq & 0xff}`,
      publicIpAddress: `3.${80 + ((seq >> 16) & 0x7f)}.${(seq >> 8) & 0xff}.${seq & 0xff}`,
      subnetId: `subnet-${hashToHex(`${state.options.seed}|subnet|${zone.name}`, 17)}`,
      vpcId: `vpc-${hashToHex(`${state.options.seed}|vpc|${region.name}`, 17)}`,
      amiLaunchIndex: index,
    };
    state.instances.set(instance.instanceId, instance);
    if (spot !== undefined && spotInstanceRequestId !== undefined) {
      const request: Ec2SpotRequestRecord = {
        seq,
        spotInstanceRequestId,
        region: region.name,
        instanceId,
        type: spot.type,
        interruptionBehavior: spot.interruptionBehavior,
        spotPrice: (spot.maxPrice ?? typeInfo.onDemandUsdPerHour).toFixed(6),
        createdAt: now,
        cancelledAt: undefined,
        tags: new Map(tags.get('spot-instances-request')),
      };
      state.spotRequests.set(spotInstanceRequestId, request);
    }
  }
  if (clientToken !== undefined && clientToken !== '') state.rememberClientToken(region.name, clientToken, { fingerprint, reservationId });
  return renderReservation(context, reservationId);
};

function assertUserData(userData: string): void {
  if (userData.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(userData)) throw invalidParameterValue('Invalid BASE64 encoding of user data.');
  if (Buffer.from(userData, 'base64').byteLength > MAX_USER_DATA_BYTES) throw invalidParameterValue(`User data is limited to ${MAX_USER_DATA_BYTES} bytes.`);
}

/**
 * MinCount must fit in one zone; MaxCount is filled as far as that zone allows. A spot launch only
 * considers zones whose current spot price is within its MaxPrice.
 */
function placeInstances(
  context: Ec2RequestContext,
  typeInfo: Ec2InstanceTypeInfo,
  requestedZone: string | undefined,
  minCount: number,
  maxCount: number,
  spot: SpotMarketRequest | undefined,
): { zone: Ec2ZoneOption; count: number } {
  const { region } = context;
  const { instanceType } = typeInfo;
  const zones = requestedZone === undefined ? region.zones : region.zones.filter((zone) => zone.name === requestedZone);
  const candidates = spot === undefined ? zones : affordableZones(context, typeInfo, zones, spot);
  let best: { zone: Ec2ZoneOption; free: number } | undefined;
  for (const zone of candidates) {
    const free = freeCapacity(context, zone.name, instanceType);
    if (best === undefined || free > best.free) best = { zone, free };
  }
  if (best === undefined || best.free < minCount) {
    const where = requestedZone === undefined ? `region ${region.name}` : `the Availability Zone you requested (${requestedZone})`;
    throw new Ec2Error(
      'InsufficientInstanceCapacity',
      `We currently do not have sufficient ${instanceType} capacity in ${where}. Our system will be working on provisioning additional capacity.`,
      500,
    );
  }
  return { zone: best.zone, count: Math.min(maxCount, best.free) };
}

function affordableZones(context: Ec2RequestContext, typeInfo: Ec2InstanceTypeInfo, zones: readonly Ec2ZoneOption[], spot: SpotMarketRequest): Ec2ZoneOption[] {
  const { maxPrice, rawMaxPrice } = spot;
  if (maxPrice === undefined) return [...zones];
  const priced = zones.map((zone) => ({ zone, price: Number(spotPriceAt(context.state.options.seed, zone.name, typeInfo, context.now)) }));
  const affordable = priced.filter(({ price }) => price <= maxPrice).map(({ zone }) => zone);
  if (affordable.length > 0 || priced.length === 0) return affordable;
  const cheapest = Math.min(...priced.map(({ price }) => price));
  throw new Ec2Error(
    'SpotMaxPriceTooLow',
    `Your Spot request price of ${rawMaxPrice ?? maxPrice} is lower than the minimum required Spot request fulfillment price of ${cheapest}.`,
  );
}

function freeCapacity(context: Ec2RequestContext, zone: string, instanceType: string): number {
  const { state, now } = context;
  const limit = state.options.capacity.byZone[zone]?.[instanceType] ?? state.options.capacity.default;
  let used = 0;
  for (const instance of state.instances.values()) {
    if (instance.zone === zone && instance.instanceType === instanceType && holdsCapacityAt(instance, now, state.options)) used += 1;
  }
  return Math.max(0, limit - used);
}

function renderReservation(context: Ec2RequestContext, reservationId: string): XmlElement[] {
  const { state, now } = context;
  const members = [...state.instances.values()].filter((instance) => instance.reservationId === reservationId);
  return reservationXml(
    reservationId,
    state.options.accountId,
    members.map((instance) => instanceXml(instance, now, state.options)),
  );
}
