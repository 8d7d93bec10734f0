import { Ec2Error, dryRunSucceeded, invalidParameterValue, missingParameter } from './ec2-error.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import { fleetStore } from './fleet-state.js';
import { findInstancesByIds } from './instance-lookup.js';
import { volumeTagsOf } from './volume-tags.js';
import { el } from './xml-renderer.js';

/** EC2's per-resource limit on user tags. */
const MAX_TAGS_PER_RESOURCE = 50;

/**
 * CreateTags on what the emulator keeps tags for: instances, snapshots, spot requests and launch
 * templates. Every id must resolve or nothing is tagged; an existing key is overwritten.
 */
export const createTags: Ec2Operation = (context) => {
  const { params } = context;
  const ids = params.strings('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  const tags = params.structs('Tag');
  if (tags.length === 0) throw missingParameter('Tag');
  const updates = new Map<string, string>();
  for (const tag of tags) {
    const key = tag.requiredString('Key');
    if (key.toLowerCase().startsWith('aws:')) throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    if (key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
    const value = tag.string('Value') ?? '';
    if (value.length > 256) throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
    updates.set(key, value);
  }
  const targets = ids.map((id) => tagsOf(context, id));
  for (const target of targets) {
    const keys = new Set([...target.keys(), ...updates.keys()]);
    if ([...keys].filter((key) => !key.startsWith('aws:')).length > MAX_TAGS_PER_RESOURCE) {
      throw new Ec2Error('TagLimitExceeded', `The maximum number of tags per resource (${MAX_TAGS_PER_RESOURCE}) would be exceeded.`);
    }
  }
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  for (const target of targets) for (const [key, value] of updates) target.set(key, value);
  return el('return', true);
};

/** The live tag map of a resource by id (DeleteTags shares it). */
export function tagsOf(context: Ec2RequestContext, id: string): Map<string, string> {
  const { state, region } = context;
  if (id.startsWith('i-')) {
    const [instance] = findInstancesByIds(context, [id]);
    if (instance === undefined) throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return instance.tags;
  }
  if (id.startsWith('snap-')) {
    const snapshot = state.snapshots.get(id);
    if (snapshot === undefined || snapshot.region !== region.name) throw new Ec2Error('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return snapshot.tags;
  }
  if (id.startsWith('sir-')) {
    const request = state.spotRequests.get(id);
    if (request === undefined || request.region !== region.name) {
      throw new Ec2Error('InvalidSpotInstanceRequestID.NotFound', `The spot instance request ID '${id}' does not exist`);
    }
    return request.tags;
  }
  if (id.startsWith('vol-')) return volumeTagsOf(context, id);
  if (id.startsWith('lt-')) {
    const template = fleetStore(state).launchTemplates.get(id);
    if (template === undefined || template.region !== region.name) {
      throw new Ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    }
    return template.tags;
  }
  throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
}
