import { findInstanceType } from './ec2-catalog.js';
import { Ec2Error, dryRunSucceeded, invalidParameterValue } from './ec2-error.js';
import { assertAmiIdFormat } from './ec2-id-formats.js';
import type { Ec2Operation, Ec2RequestContext } from './ec2-operation.js';
import { itemList, tagSet } from './ec2-xml.js';
import { type Ec2LaunchTemplateRecord, fleetStore } from './fleet-state.js';
import { assertClientToken, assertUserData } from './launch-instance.js';
import { paginate } from './pagination.js';
import type { QueryParams } from './query-params.js';
import { parseTagSpecifications } from './tag-specifications.js';
import { type XmlElement, el } from './xml-renderer.js';

/**
 * Minimal launch templates: CreateLaunchTemplate, DescribeLaunchTemplates, DeleteLaunchTemplate.
 * One version per template (version 1 is both `$Latest` and `$Default`); of LaunchTemplateData only
 * ImageId, InstanceType, UserData, KeyName and TagSpecification are read, the rest is accepted and
 * ignored. CreateFleet launches from them.
 */

const TEMPLATE_NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const TEMPLATE_ID = /^lt-[0-9a-f]{17}$/;

/** What LaunchTemplateData.TagSpecification may tag (the API reference's list, trimmed to what exists here). */
const TEMPLATE_TAGGABLE = ['instance', 'volume', 'spot-instances-request', 'network-interface'];

export const createLaunchTemplate: Ec2Operation = (context) => {
  const { params, state, region, now } = context;
  const name = params.requiredString('LaunchTemplateName');
  assertTemplateName(name);
  if (!params.has('LaunchTemplateData')) throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  const dataParams = params.struct('LaunchTemplateData');
  const imageId = dataParams.string('ImageId');
  if (imageId !== undefined) assertAmiIdFormat(imageId);
  const instanceType = dataParams.string('InstanceType');
  if (instanceType !== undefined && findInstanceType(instanceType) === undefined) {
    throw invalidParameterValue(`The following supplied instance types do not exist: [${instanceType}]`);
  }
  const userData = dataParams.string('UserData');
  if (userData !== undefined) assertUserData(userData);
  const dataTags = parseTagSpecifications(dataParams, TEMPLATE_TAGGABLE);
  const tags = parseTagSpecifications(params, ['launch-template']);
  const clientToken = params.string('ClientToken');
  assertClientToken(clientToken);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();

  const store = fleetStore(state);
  const fingerprint = params.fingerprint(['Action', 'Version', 'ClientToken', 'DryRun']);
  if (clientToken !== undefined && clientToken !== '') {
    const previous = store.templateToken(region.name, clientToken);
    if (previous !== undefined) {
      const template = store.launchTemplates.get(previous.launchTemplateId);
      if (previous.fingerprint !== fingerprint || template === undefined) throw idempotentMismatch();
      return launchTemplateXml('launchTemplate', template);
    }
  }
  if (store.templateByName(region.name, name) !== undefined) {
    throw new Ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
  }
  const template: Ec2LaunchTemplateRecord = {
    seq: state.nextSeq(),
    launchTemplateId: state.ids.resourceId('lt'),
    launchTemplateName: name,
    region: region.name,
    createdAt: now,
    createdBy: `arn:aws:iam::${state.options.accountId}:root`,
    data: { imageId, instanceType, userData, keyName: dataParams.string('KeyName'), tags: dataTags },
    tags: new Map(tags.get('launch-template')),
  };
  store.launchTemplates.set(template.launchTemplateId, template);
  if (clientToken !== undefined && clientToken !== '') {
    store.rememberTemplateToken(region.name, clientToken, { fingerprint, launchTemplateId: template.launchTemplateId });
  }
  return launchTemplateXml('launchTemplate', template);
};

export const describeLaunchTemplates: Ec2Operation = (context) => {
  const { params, state, region } = context;
  const ids = params.strings('LaunchTemplateId');
  const names = params.strings('LaunchTemplateName');
  const maxResults = params.integer('MaxResults');
  if ((ids.length > 0 || names.length > 0) && maxResults !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'MaxResults cannot be combined with LaunchTemplateIds or LaunchTemplateNames.');
  }
  if (params.has('Filter')) throw invalidParameterValue('Filters on DescribeLaunchTemplates are not supported by this emulator.');
  let templates = fleetStore(state).templatesInRegion(region.name);
  if (ids.length > 0) {
    ids.forEach(assertTemplateIdFormat);
    const missing = ids.filter((id) => !templates.some((template) => template.launchTemplateId === id));
    if (missing.length > 0) throw new Ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${missing[0]}, does not exist.`);
    templates = templates.filter((template) => ids.includes(template.launchTemplateId));
  }
  if (names.length > 0) {
    const missing = names.filter((name) => !templates.some((template) => template.launchTemplateName === name));
    if (missing.length > 0) {
      throw new Ec2Error('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
    }
    templates = templates.filter((template) => names.includes(template.launchTemplateName));
  }
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  const listing = `DescribeLaunchTemplates|${region.name}`;
  const page = paginate(templates, (template) => template.seq, { maxResults, nextToken: params.string('NextToken') }, listing, { min: 1, max: 200 });
  return [...itemList('launchTemplates', page.items.map((template) => launchTemplateFields(template))), ...el('nextToken', page.nextToken)];
};

export const deleteLaunchTemplate: Ec2Operation = (context) => {
  const { params, state } = context;
  const template = resolveLaunchTemplate(context, params);
  if (params.boolean('DryRun') === true) throw dryRunSucceeded();
  fleetStore(state).launchTemplates.delete(template.launchTemplateId);
  return launchTemplateXml('launchTemplate', template);
};

/** The template a request names by `LaunchTemplateId` or `LaunchTemplateName` (exactly one of them). */
export function resolveLaunchTemplate(context: Ec2RequestContext, params: QueryParams): Ec2LaunchTemplateRecord {
  const { state, region } = context;
  const id = params.string('LaunchTemplateId');
  const name = params.string('LaunchTemplateName');
  if (id !== undefined && name !== undefined) {
    throw new Ec2Error('InvalidParameterCombination', 'You can specify either a launch template ID or a launch template name, but not both.');
  }
  const store = fleetStore(state);
  if (id !== undefined) {
    assertTemplateIdFormat(id);
    const template = store.launchTemplates.get(id);
    if (template === undefined || template.region !== region.name) {
      throw new Ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    }
    return template;
  }
  if (name !== undefined) {
    const template = store.templateByName(region.name, name);
    if (template === undefined) {
      throw new Ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
    }
    return template;
  }
  throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateName or LaunchTemplateId');
}

/** `$Latest`, `$Default` and `1` all name the one version; anything else is a version that does not exist. */
export function assertTemplateVersion(template: Ec2LaunchTemplateRecord, version: string | undefined): string {
  if (version === undefined || version === '') {
    throw new Ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateSpecification.Version');
  }
  if (version !== '$Latest' && version !== '$Default' && version !== '1') {
    throw new Ec2Error(
      'InvalidLaunchTemplateId.VersionNotFound',
      `Could not find launch template version ${version} for launch template ${template.launchTemplateId}.`,
    );
  }
  return version;
}

function assertTemplateName(name: string): void {
  if (!TEMPLATE_NAME.test(name)) {
    throw new Ec2Error(
      'InvalidLaunchTemplateName.MalformedException',
      'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.',
    );
  }
}

function assertTemplateIdFormat(id: string): void {
  if (!TEMPLATE_ID.test(id)) throw new Ec2Error('InvalidLaunchTemplateId.Malformed', `The launch template ID '${id}' is malformed.`);
}

function idempotentMismatch(): Ec2Error {
  return new Ec2Error(
    'IdempotentParameterMismatch',
    'The client token you have provided is associated with a resource that is already deleted or with a request that has different parameters. Please use a different client token.',
  );
}

function launchTemplateFields(template: Ec2LaunchTemplateRecord): XmlElement[] {
  return [
    ...el('launchTemplateId', template.launchTemplateId),
    ...el('launchTemplateName', template.launchTemplateName),
    ...el('createTime', new Date(template.createdAt)),
    ...el('createdBy', template.createdBy),
    ...el('defaultVersionNumber', 1),
    ...el('latestVersionNumber', 1),
    ...(template.tags.size === 0 ? [] : tagSet(template.tags)),
  ];
}

function launchTemplateXml(name: string, template: Ec2LaunchTemplateRecord): XmlElement[] {
  return el(name, launchTemplateFields(template));
}
