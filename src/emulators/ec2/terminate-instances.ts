import { dryRunSucceeded, missingParameter } from './ec2-error.js';
import type { Ec2Operation } from './ec2-operation.js';
import { itemList } from './ec2-xml.js';
import { instanceStateAt } from './instance-lifecycle.js';
import { findInstancesByIds } from './instance-lookup.js';
import { instanceStateXml } from './instance-xml.js';
import { el } from './xml-renderer.js';

export const terminateInstances: Ec2Operation = (context) => {
  const { params, state, now } = context;
  const ids = params.strings('InstanceId');
  if (ids.length === 0) throw missingParameter('InstanceId');
  const instances = findInstancesByIds(context, ids);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const changes = instances.map((instance) => {
    const previous = instanceStateAt(instance, now, state.options);
    if (instance.terminateRequestedAt === undefined) instance.terminateRequestedAt = now;
    const current = instanceStateAt(instance, now, state.options);
    return [...el('instanceId', instance.instanceId), ...instanceStateXml('currentState', current), ...instanceStateXml('previousState', previous)];
  });
  return itemList('instancesSet', changes);
};
