import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument } from 'yaml';

export type PromotionOutcome = { persisted: true; path: string } | { persisted: false; path: string | null; reason: string };

/**
 * Writes a promotion into the providers file (PROVIDERS_CONFIG_PATH), so a restart keeps it: under
 * `capabilities.<capability>`, the candidate takes the current adapter's place (and the current one
 * leaves the list). YAML keeps its comments (the yaml Document API); JSON is rewritten with 2 spaces.
 * The new file goes through a temp file and a rename; the one it replaces is kept as `<path>.previous`.
 * A file that maps no such capability is left alone and the answer says why: an operator's file is
 * never guessed at.
 */
export function persistPromotion(path: string | null, capability: 'compute' | 'llm_gateway', current: string, candidate: string): PromotionOutcome {
  if (path === null) return { persisted: false, path: null, reason: 'no providers file (PROVIDERS_CONFIG_PATH) is configured: the promotion lasts until a restart' };
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return { persisted: false, path, reason: `the providers file could not be read: ${error instanceof Error ? error.message : String(error)}` };
  }
  const swap = (names: readonly string[]) => [...new Set(names.map((name) => (name === current ? candidate : name)))];
  let next: string;
  if (path.endsWith('.json') || text.trimStart().startsWith('{')) {
    const value = JSON.parse(text) as { capabilities?: Record<string, unknown> };
    const mapped = value.capabilities?.[capability];
    const names = typeof mapped === 'string' ? [mapped] : Array.isArray(mapped) ? (mapped as string[]) : null;
    if (names === null || value.capabilities === undefined) return { persisted: false, path, reason: `the providers file maps no capabilities.${capability}: map ${candidate} there by hand to keep the promotion` };
    value.capabilities[capability] = swap(names);
    next = `${JSON.stringify(value, null, 2)}\n`;
  } else {
    const document = parseDocument(text);
    const node = document.getIn(['capabilities', capability], true);
    const names = typeof node === 'object' && node !== null && isSeq(node) ? (node.toJSON() as string[]) : typeof document.getIn(['capabilities', capability]) === 'string' ? [document.getIn(['capabilities', capability]) as string] : null;
    if (names === null || !isMap(document.get('capabilities', true))) return { persisted: false, path, reason: `the providers file maps no capabilities.${capability}: map ${candidate} there by hand to keep the promotion` };
    const list = document.createNode(swap(names));
    if (isSeq(node)) list.flow = node.flow;
    document.setIn(['capabilities', capability], list);
    next = document.toString();
  }
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, next);
  writeFileSync(`${temp}.previous`, text);
  renameSync(`${temp}.previous`, `${path}.previous`);
  renameSync(temp, path);
  return { persisted: true, path };
}
