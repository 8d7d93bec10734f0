import type { Ec2RequestContext } from './ec2-operation.js';
import { findVolume } from './volume-lookup.js';

/** The live tag map of a volume (a root volume's is its instance's `volumeTags`), for CreateTags and DeleteTags. */
export function volumeTagsOf(context: Ec2RequestContext, volumeId: string): Map<string, string> {
  return findVolume(context, volumeId).tags;
}
