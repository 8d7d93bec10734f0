/** A tiny XML tree and its serializer; text and attribute values are always escaped. */
export type XmlScalar = string | number | boolean | Date;

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** Absent content renders an empty element; a list renders child elements. */
  readonly content: XmlScalar | readonly XmlElement[] | undefined;
}

/** Builds an element; returns nothing for undefined/null scalar content so optional fields simply vanish. */
export function el(name: string, content: XmlScalar | readonly XmlElement[] | undefined | null, attributes: Record<string, string> = {}): XmlElement[] {
  if (content === undefined || content === null) return [];
  return [{ name, attributes, content }];
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (char) => ESCAPES[char] ?? char);
}

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A literal CR would be normalised away by any XML parser; the reference keeps it.
  '\r': '&#13;',
};

export function renderXmlDocument(root: XmlElement): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderXmlElement(root)}`;
}

export function renderXmlElement(element: XmlElement): string {
  const attributes = Object.entries(element.attributes)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const inner = renderContent(element.content);
  return inner === '' ? `<${element.name}${attributes}/>` : `<${element.name}${attributes}>${inner}</${element.name}>`;
}

function renderContent(content: XmlElement['content']): string {
  if (content === undefined) return '';
  if (Array.isArray(content)) return content.map(renderXmlElement).join('');
  if (content instanceof Date) return content.toISOString();
  return escapeXml(String(content));
}
