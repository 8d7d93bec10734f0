import { describe, expect, it } from 'vitest';
import { el, escapeXml, renderXmlDocument, renderXmlElement } from '../../../src/emulators/ec2/xml-renderer.js';

describe('XML renderer', () => {
  it('escapes markup characters in text and attributes', () => {
    expect(escapeXml(`<a href="x">&'\r`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#13;');
    const [element] = el('value', '</value><injected/>', { note: 'a"b' });
    expect(element && renderXmlElement(element)).toBe('<value note="a&quot;b">&lt;/value&gt;&lt;injected/&gt;</value>');
  });

  it('renders nesting, scalars, dates and empty elements; drops undefined content', () => {
    const [root] = el('root', [
      ...el('count', 3),
      ...el('flag', false),
      ...el('at', new Date(Date.UTC(2025, 0, 2, 3, 4, 5))),
      ...el('empty', []),
      ...el('blank', ''),
      ...el('gone', undefined),
      ...el('alsoGone', null),
    ]);
    expect(root && renderXmlElement(root)).toBe(
      '<root><count>3</count><flag>false</flag><at>2025-01-02T03:04:05.000Z</at><empty/><blank/></root>',
    );
  });

  it('prefixes the XML declaration on documents', () => {
    expect(renderXmlDocument({ name: 'r', attributes: { xmlns: 'urn:x' }, content: 'ok' })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<r xmlns="urn:x">ok</r>',
    );
  });
});
