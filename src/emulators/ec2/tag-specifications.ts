import { invalidParameterValue } from './ec2-error.js';
import type { QueryParams } from './query-params.js';

/** Reads `TagSpecification.N.{ResourceType,Tag.M.Key,Tag.M.Value}` into tags per resource type. */
export function parseTagSpecifications(params: QueryParams, allowedTypes: readonly string[]): Map<string, Map<string, string>> {
  const byType = new Map<string, Map<string, string>>();
  for (const spec of params.structs('TagSpecification')) {
    const resourceType = spec.requiredString('ResourceType');
    if (!allowedTypes.includes(resourceType)) {
      throw invalidParameterValue(`'${resourceType}' is not a valid taggable resource type for this operation.`);
    }
    const tags = byType.get(resourceType) ?? new Map<string, string>();
    for (const tag of spec.structs('Tag')) {
      const key = tag.requiredString('Key');
      if (key.toLowerCase().startsWith('aws:')) throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
      if (key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
      const value = tag.string('Value') ?? '';
      if (value.length > 256) throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
      tags.set(key, value);
    }
    byType.set(resourceType, tags);
  }
  return byType;
}
