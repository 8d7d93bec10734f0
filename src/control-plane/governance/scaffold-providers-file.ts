import { isMap, isSeq, parseDocument } from 'yaml';
import { DEFAULT_PROVIDERS } from '../config.js';

/**
 * What recording a scaffolded adapter does to the providers file (PROVIDERS_CONFIG_PATH; see
 * applyProvidersFile in config.ts): `adapters.<vendor>: {kind: <vendor>, ...config}` when absent (an
 * existing entry is never changed), and with `map` the vendor under `capabilities.compute` when absent.
 *
 * A file without `capabilities.compute` enables every adapter it lists (and with no adapter at all,
 * the default provider): adding one would enable it, mapped or not, and would replace the default.
 * So when a change is made to such a file, `capabilities.compute` is written out with the adapters
 * that were enabled (plus the vendor only when mapping was asked): the running selection is unchanged
 * and the new adapter is enabled only on request.
 */
export interface ProvidersFileChange {
  readonly format: 'json' | 'yaml';
  readonly adapterRecorded: 'added' | 'unchanged';
  readonly mapped: 'added' | 'unchanged' | 'not_requested';
  /** What a human should know (the compute list made explicit, an adapter already enabled implicitly). */
  readonly notes: string[];
  /** The file's new text; null when nothing changes. */
  readonly after: string | null;
}

/** The file cannot be changed safely (not YAML or JSON, or not the providers file's shape): it is left alone. */
export class ProvidersFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvidersFileError';
  }
}

interface Model {
  adapters: Record<string, unknown>;
  /** Null when the file has no `capabilities.compute`. */
  compute: string[] | null;
}

function modelOf(value: unknown): Model {
  if (value === null || value === undefined) return { adapters: {}, compute: null };
  if (typeof value !== 'object' || Array.isArray(value)) throw new ProvidersFileError('it does not hold a mapping of keys');
  const { adapters = {}, capabilities = {} } = value as { adapters?: unknown; capabilities?: unknown };
  const mapping = (entry: unknown, what: string): Record<string, unknown> => {
    if (entry === null) return {};
    if (typeof entry !== 'object' || Array.isArray(entry)) throw new ProvidersFileError(`${what}: expected a mapping`);
    return entry as Record<string, unknown>;
  };
  const compute = mapping(capabilities, 'capabilities').compute;
  if (compute !== undefined && typeof compute !== 'string' && !(Array.isArray(compute) && compute.every((name) => typeof name === 'string'))) {
    throw new ProvidersFileError('capabilities.compute: expected a name or a list of names');
  }
  return { adapters: mapping(adapters, 'adapters'), compute: compute === undefined ? null : typeof compute === 'string' ? [compute] : (compute as string[]) };
}

interface Decision {
  adapterRecorded: 'added' | 'unchanged';
  mapped: 'added' | 'unchanged' | 'not_requested';
  /** The compute list to write, or null to leave `capabilities.compute` as it is. */
  compute: string[] | null;
  notes: string[];
}

function decide(model: Model, vendor: string, map: boolean): Decision {
  const adapterRecorded = Object.hasOwn(model.adapters, vendor) ? 'unchanged' : 'added';
  const notes: string[] = [];
  if (model.compute !== null) {
    const mapped = !map ? 'not_requested' : model.compute.includes(vendor) ? 'unchanged' : 'added';
    return { adapterRecorded, mapped, compute: mapped === 'added' ? [...model.compute, vendor] : null, notes };
  }
  // No compute list: every listed adapter whose settings do not say `enabled: false` is enabled (none listed: the default).
  const names = Object.keys(model.adapters);
  const enabled = names.length === 0 ? [...DEFAULT_PROVIDERS] : names.filter((name) => (model.adapters[name] as { enabled?: unknown } | null)?.enabled !== false);
  const already = enabled.includes(vendor);
  const mapped = !map ? 'not_requested' : already ? 'unchanged' : 'added';
  if (already && !map) notes.push(`adapters.${vendor} is already in the file and, with no capabilities.compute, already enabled`);
  if (adapterRecorded === 'unchanged' && mapped !== 'added') return { adapterRecorded, mapped, compute: null, notes };
  const compute = mapped === 'added' ? [...enabled, vendor] : enabled;
  notes.push(
    `capabilities.compute is absent from the providers file, which enables every adapter it lists: it is written out with the adapters that were enabled (${enabled.join(', ')})${mapped === 'added' ? ` and ${vendor}` : `, so ${vendor} is recorded without being enabled`}`,
  );
  return { adapterRecorded, mapped, compute, notes };
}

/** The change to a providers file's text; throws ProvidersFileError when the text cannot be changed safely. */
export function planProvidersFileChange(text: string, request: { vendor: string; config: Record<string, unknown>; map: boolean }): ProvidersFileChange {
  const entry = { kind: request.vendor, ...request.config };
  const trimmed = text.trim();
  let json: unknown;
  let isJson = false;
  if (trimmed.startsWith('{')) {
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      // Flow-style YAML, or broken: the YAML parser says which.
    }
  }
  if (isJson) {
    const model = modelOf(json);
    const decision = decide(model, request.vendor, request.map);
    if (decision.adapterRecorded === 'unchanged' && decision.compute === null) return { format: 'json', ...decision, after: null };
    const root = json as Record<string, unknown>;
    if (decision.adapterRecorded === 'added') root.adapters = { ...model.adapters, [request.vendor]: entry };
    if (decision.compute !== null) root.capabilities = { ...((root.capabilities as Record<string, unknown> | null | undefined) ?? {}), compute: decision.compute };
    const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
    return { format: 'json', ...decision, after: `${JSON.stringify(root, null, indent)}\n` };
  }

  const document = parseDocument(text);
  if (document.errors.length > 0) throw new ProvidersFileError(`it is neither valid YAML nor JSON: ${document.errors[0]?.message ?? 'unreadable'}`);
  if (document.contents !== null && !isMap(document.contents)) throw new ProvidersFileError('it does not hold a mapping of keys');
  const model = modelOf(document.toJS());
  const decision = decide(model, request.vendor, request.map);
  if (decision.adapterRecorded === 'unchanged' && decision.compute === null) return { format: 'yaml', ...decision, after: null };
  // The document API keeps the file's comments and layout; only the touched nodes are new.
  if (decision.adapterRecorded === 'added') {
    if (document.contents === null || !isMap(document.get('adapters', true))) document.set('adapters', document.createNode({ [request.vendor]: entry }));
    else document.setIn(['adapters', request.vendor], document.createNode(entry));
  }
  if (decision.compute !== null) {
    const current = document.getIn(['capabilities', 'compute'], true);
    if (isSeq(current)) {
      for (const name of decision.compute.slice(current.items.length)) current.add(document.createNode(name));
    } else if (isMap(document.get('capabilities', true))) {
      document.setIn(['capabilities', 'compute'], document.createNode(decision.compute));
    } else {
      document.set('capabilities', document.createNode({ compute: decision.compute }));
    }
  }
  return { format: 'yaml', ...decision, after: document.toString() };
}
