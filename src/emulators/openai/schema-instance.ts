type Schema = Record<string, unknown>;
const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2025-01-01T00:00:00Z',
  date: '2025-01-01',
  time: '00:00:00Z',
  email: 'user@example.com',
  uri: 'https://example.com',
  hostname: 'example.com',
  ipv4: '127.0.0.1',
  ipv6: '::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  duration: 'P1D',
};

const MAX_DEPTH = 32;

/**
 * A small valid instance of a JSON Schema: the required properties only, the fewest items, the
 * first enum value, the lowest number allowed, strings of the least length that fits. It covers what
 * OpenAI's structured outputs allow (objects, arrays, strings with formats, numbers, enums, anyOf,
 * `$ref` into `$defs`/`definitions`, nullable type arrays) and a little more (allOf, oneOf, const,
 * bounds, multipleOf, uniqueItems). `variant` makes sibling items differ (for `uniqueItems`).
 */
export function minimalInstance(schema: unknown, root: unknown = schema, variant = 0, depth = 0): unknown {
  if (schema === true || !isObject(schema)) return null;
  if (depth > MAX_DEPTH) return null;
  if (typeof schema.$ref === 'string') return minimalInstance(resolveRef(root, schema.$ref), root, variant, depth + 1);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];
  if (Array.isArray(schema.allOf)) return minimalInstance(mergeAll(schema, root), root, variant, depth + 1);
  const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : null;
  if (branches !== null && branches.length > 0) {
    // Prefer a branch that is not plain null: the instance says more.
    const chosen = branches.find((branch) => !(isObject(branch) && branch.type === 'null')) ?? branches[0];
    return minimalInstance(chosen, root, variant, depth + 1);
  }
  switch (typeOf(schema)) {
    case 'object':
      return objectInstance(schema, root, variant, depth);
    case 'array':
      return arrayInstance(schema, root, depth);
    case 'string':
      return stringInstance(schema, variant);
    case 'integer':
      return numberInstance(schema, variant, true);
    case 'number':
      return numberInstance(schema, variant, false);
    case 'boolean':
      return variant % 2 === 1;
    default:
      return null;
  }
}

function typeOf(schema: Schema): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return (type.find((entry) => entry !== 'null') ?? type[0]) as string | undefined;
  if (isObject(schema.properties) || Array.isArray(schema.required)) return 'object';
  if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
  return undefined;
}

function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return {};
  let node: unknown = root;
  for (const segment of ref.slice(1).split('/').filter(Boolean)) {
    const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isObject(node) ? node[key] : undefined;
  }
  return node ?? {};
}

/** allOf folded into one schema: properties and required unioned, the rest taken from the first that sets it. */
function mergeAll(schema: Schema, root: unknown): Schema {
  const { allOf, ...rest } = schema;
  const merged: Schema = { ...rest };
  for (const raw of allOf as unknown[]) {
    const part = isObject(raw) && typeof raw.$ref === 'string' ? resolveRef(root, raw.$ref) : raw;
    if (!isObject(part)) continue;
    for (const [key, value] of Object.entries(part)) {
      if (key === 'properties' && isObject(value)) merged.properties = { ...(isObject(merged.properties) ? merged.properties : {}), ...value };
      else if (key === 'required' && Array.isArray(value)) merged.required = [...new Set([...(Array.isArray(merged.required) ? merged.required : []), ...value])];
      else if (!(key in merged)) merged[key] = value;
    }
  }
  return merged;
}

function objectInstance(schema: Schema, root: unknown, variant: number, depth: number): Record<string, unknown> {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? (schema.required as unknown[]).filter((name): name is string => typeof name === 'string') : [];
  const out: Record<string, unknown> = {};
  for (const name of required) out[name] = minimalInstance(properties[name] ?? {}, root, variant, depth + 1);
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  for (const name of Object.keys(properties)) {
    if (Object.keys(out).length >= minProperties) break;
    if (!(name in out)) out[name] = minimalInstance(properties[name], root, variant, depth + 1);
  }
  return out;
}

function arrayInstance(schema: Schema, root: unknown, depth: number): unknown[] {
  const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
  const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
  const out: unknown[] = [];
  for (let index = 0; index < Math.min(minItems, 64); index += 1) {
    const itemSchema = index < prefix.length ? prefix[index] : schema.items === undefined ? {} : schema.items;
    out.push(minimalInstance(itemSchema, root, schema.uniqueItems === true ? index : 0, depth + 1));
  }
  return out;
}

function stringInstance(schema: Schema, variant: number): string {
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  const fits = (text: string) => text.length >= minLength && text.length <= maxLength;
  if (typeof schema.format === 'string' && FORMATS[schema.format] !== undefined && fits(FORMATS[schema.format]!)) return FORMATS[schema.format]!;
  const suffix = variant === 0 ? '' : String(variant);
  if (typeof schema.pattern === 'string') {
    let pattern: RegExp | null = null;
    try {
      pattern = new RegExp(schema.pattern, 'u');
    } catch {
      pattern = null;
    }
    const candidates = [`example${suffix}`, `${variant}`, 'a'.repeat(Math.max(1, minLength)), '0'.repeat(Math.max(1, minLength)), 'A'.repeat(Math.max(1, minLength)), ''];
    const match = pattern === null ? undefined : candidates.find((candidate) => fits(candidate) && pattern.test(candidate));
    if (match !== undefined) return match;
  }
  let text = `example${suffix}`;
  if (text.length < minLength) text = text.padEnd(minLength, 'x');
  if (text.length > maxLength) text = variant === 0 ? 'x'.repeat(maxLength) : `${suffix}${'x'.repeat(maxLength)}`.slice(0, maxLength);
  return text;
}

function numberInstance(schema: Schema, variant: number, integer: boolean): number {
  const bound = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const minimum = bound(schema.minimum);
  const exclusiveMinimum = bound(schema.exclusiveMinimum);
  const maximum = bound(schema.maximum);
  const exclusiveMaximum = bound(schema.exclusiveMaximum);
  const below = (value: number) => (maximum === null || value <= maximum) && (exclusiveMaximum === null || value < exclusiveMaximum);
  let value = 0;
  if (minimum !== null) value = minimum;
  if (exclusiveMinimum !== null && value <= exclusiveMinimum) value = integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + 1;
  if (minimum === null && exclusiveMinimum === null && !below(0)) value = maximum ?? (integer ? Math.ceil(exclusiveMaximum!) - 1 : exclusiveMaximum! - 1);
  // A narrow real interval (exclusiveMinimum 0, maximum 0.5): its middle.
  if (!integer && !below(value)) value = ((exclusiveMinimum ?? minimum ?? 0) + (maximum ?? exclusiveMaximum ?? 0)) / 2;
  if (integer) value = Math.ceil(value);
  const multipleOf = bound(schema.multipleOf);
  if (multipleOf !== null && multipleOf > 0) value = Math.ceil(value / multipleOf) * multipleOf;
  const bumped = value + variant * (multipleOf ?? 1);
  return variant > 0 && below(bumped) ? bumped : value;
}
