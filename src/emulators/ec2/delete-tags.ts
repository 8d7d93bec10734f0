import { dryRunSucceeded, missingParameter } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { tagsOf } from './create-tags.js';
import { el } from './xml-renderer.js';

/**
 * DeleteTags on every resource CreateTags can tag. A tag given with a value is deleted only when the
 * value matches; without a value (or with no Tag at all) the keys go whatever their values.
 */
export const deleteTags: Ec2Operation = (context) => {
  const { params } = context;
  const ids = params.strings('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  const doomed = params.structs('Tag').map((tag) => ({ key: tag.requiredString('Key'), value: tag.string('Value') }));
  const targets = ids.map((id) => tagsOf(context, id));
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  for (const tags of targets) {
    if (doomed.length === 0) {
      for (const key of [...tags.keys()]) if (!key.startsWith('aws:')) tags.delete(key);
      continue;
    }
    for (const { key, value } of doomed) if (value === undefined || tags.get(key) === value) tags.delete(key);
  }
  return el('return', true);
};
