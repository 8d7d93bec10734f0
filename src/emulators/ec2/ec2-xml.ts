import type { Ec2Error } from './ec2-error.js';
import { type XmlElement, el, renderXmlDocument } from './xml-renderer.js';

export const EC2_XML_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

/** An EC2 list member: `<name><item>…</item>…</name>` (list members' locationName is `item`). */
export function itemList(name: string, items: readonly (readonly XmlElement[])[]): XmlElement[] {
  return el(
    name,
    items.map((fields) => ({ name: 'item', attributes: {}, content: fields })),
  );
}

export function scalarItemList(name: string, values: readonly string[]): XmlElement[] {
  return el(
    name,
    values.flatMap((value) => el('item', value)),
  );
}

export function tagSet(tags: ReadonlyMap<string, string>): XmlElement[] {
  return itemList(
    'tagSet',
    [...tags].map(([key, value]) => [...el('key', key), ...el('value', value)]),
  );
}

export function renderResponse(action: string, requestId: string, members: readonly XmlElement[]): string {
  return renderXmlDocument({
    name: `${action}Response`,
    attributes: { xmlns: EC2_XML_NAMESPACE },
    content: [...el('requestId', requestId), ...members],
  });
}

/** botocore's EC2QueryParser reads `Response/Errors/Error` and `RequestID` (not `RequestId`). */
export function renderError(error: Ec2Error, requestId: string): string {
  return renderXmlDocument({
    name: 'Response',
    attributes: {},
    content: [
      ...el('Errors', [
        ...el('Error', [...el('Code', error.code), ...el('Message', error.message)]),
      ]),
      ...el('RequestID', requestId),
    ],
  });
}
