import { type Ec2InstanceTypeInfo, findInstanceType, offeredInZone } from './ec2-catalog.js';
import { Ec2Error, dryRunSucceeded, invalidParameterValue, missingParameter } from './ec2-error.js';
import { assertAmiIdFormat } from './ec2-id-formats.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import type { Ec2ZoneOption } from './ec2-options.js';
import { instanceXml, reservationXml } from './instance-xml.js';
import { assertClientToken, assertUserData, freeCapacity, launchInstance } from './launch-instance.js';
import { type SpotMarketRequest, parseInstanceMarketOptions } from './spot-market-options.js';
import { spotPriceAt } from './spot-prices.js';
import { parseTagSpecifications } from './tag-specifications.js';
import { defaultSubnet, freeAddresses, namedSubnet } from './subnet-lookup.js';
import type { Ec2SubnetRecord } from './subnet-state.js';
import type { XmlElement } from './xml-renderer.js';

/** RunInstances' documented default; the emulator does not sell it, so omitting InstanceType fails like an unknown type. */
const DEFAULT_INSTANCE_TYPE = 'm1.small';

export const runInstances: Ec2Operation = (context) => {
  const { params, state, region } = context;
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
  // The subnet fixes the zone: a Placement zone other than the subnet's is refused, as EC2 does.
  const requestedSubnet = namedSubnet(context, params.string('SubnetId'), requestedZone);
  const tags = parseTagSpecifications(params, ['instance', 'volume', 'spot-instances-request', 'network-interface']);
  const userData = params.string('UserData');
  if (userData !== undefined) assertUserData(userData);
  const clientToken = params.string('ClientToken');
  assertClientToken(clientToken);
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

  const { zone, subnet, count } = placeInstances(context, typeInfo, requestedSubnet?.zone ?? requestedZone, requestedSubnet, minCount, maxCount, spot);
  const reservationId = state.ids.resourceId('r');
  for (let index = 0; index < count; index += 1) {
    launchInstance(context, {
      reservationId,
      zone: zone.name,
      subnet,
      typeInfo,
      imageId,
      tags: tags.get('instance'),
      volumeTags: tags.get('volume'),
      userData,
      clientToken,
      keyName: params.string('KeyName'),
      amiLaunchIndex: index,
      spot:
        spot === undefined
          ? undefined
          : {
              type: spot.type,
              interruptionBehavior: spot.interruptionBehavior,
              spotPrice: (spot.maxPrice ?? typeInfo.onDemandUsdPerHour).toFixed(6),
              tags: tags.get('spot-instances-request'),
            },
    });
  }
  if (clientToken !== undefined && clientToken !== '') state.rememberClientToken(region.name, clientToken, { fingerprint, reservationId });
  return renderReservation(context, reservationId);
};

/**
 * MinCount must fit in one zone; MaxCount is filled as far as that zone allows. A spot launch only
 * considers zones whose current spot price is within its MaxPrice. Every instance takes an address
 * in its subnet (the named one, else the zone's default), so MinCount must also fit there.
 */
function placeInstances(
  context: Ec2RequestContext,
  typeInfo: Ec2InstanceTypeInfo,
  requestedZone: string | undefined,
  requestedSubnet: Ec2SubnetRecord | undefined,
  minCount: number,
  maxCount: number,
  spot: SpotMarketRequest | undefined,
): { zone: Ec2ZoneOption; subnet: Ec2SubnetRecord; count: number } {
  const { region } = context;
  const { instanceType } = typeInfo;
  if (requestedZone !== undefined && !offeredInZone(typeInfo, requestedZone)) {
    const offered = region.zones.filter((zone) => offeredInZone(typeInfo, zone.name)).map((zone) => zone.name);
    throw new Ec2Error(
      'Unsupported',
      `Your requested instance type (${instanceType}) is not supported in your requested Availability Zone (${requestedZone}). Please retry your request by not specifying an Availability Zone or choosing ${offered.join(', ')}.`,
    );
  }
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
  const subnet = requestedSubnet ?? defaultSubnet(context, best.zone.name);
  const addresses = freeAddresses(context, subnet);
  if (addresses < minCount) {
    throw new Ec2Error(
      'InsufficientFreeAddressesInSubnet',
      `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`,
    );
  }
  return { zone: best.zone, subnet, count: Math.min(maxCount, best.free, addresses) };
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

function renderReservation(context: Ec2RequestContext, reservationId: string): XmlElement[] {
  const { state, now } = context;
  const members = [...state.instances.values()].filter((instance) => instance.reservationId === reservationId);
  return reservationXml(
    reservationId,
    state.options.accountId,
    members.map((instance) => instanceXml(instance, now, state.options)),
  );
}
