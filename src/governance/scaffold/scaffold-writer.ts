import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ScaffoldFile } from './scaffold-templates.js';

/**
 * What the scaffold does with one file:
 * - `create`: absent, so it is written;
 * - `unchanged`: present with exactly the content the scaffold would write: nothing to do;
 * - `kept`: present with other content (someone edited it): never overwritten.
 */
export type FileAction = 'create' | 'unchanged' | 'kept';

export interface PlannedFile {
  /** Relative to the root, `/`-separated. */
  readonly path: string;
  readonly absolutePath: string;
  readonly content: string;
  readonly action: FileAction;
}

export interface ScaffoldPlan {
  readonly root: string;
  readonly files: readonly PlannedFile[];
}

export interface AppliedFile {
  readonly path: string;
  /** `create` became `kept` when a file appeared at the path after the plan (it is not overwritten either). */
  readonly action: FileAction;
}

/** Reads a file, or null when there is none. */
function readIfPresent(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Each file's action against what is on disk under `root`. Reads only. */
export function planScaffold(root: string, files: readonly ScaffoldFile[]): ScaffoldPlan {
  return {
    root,
    files: files.map((file) => {
      const absolutePath = join(root, ...file.path.split('/'));
      const present = readIfPresent(absolutePath);
      const action: FileAction = present === null ? 'create' : present === file.content ? 'unchanged' : 'kept';
      return { path: file.path, absolutePath, content: file.content, action };
    }),
  };
}

/**
 * Writes a file whole or not at all: to a temporary name beside it, then into place. With
 * `noClobber` the temporary file is hard-linked to the path, which fails when a file is already
 * there, so a file that appeared since the plan is never replaced; answers false then.
 */
export function writeFileAtomic(path: string, content: string, options: { noClobber?: boolean } = {}): boolean {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, content, { flag: 'wx' });
    if (!options.noClobber) {
      renameSync(temp, path);
      return true;
    }
    try {
      linkSync(temp, path);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // A file system without hard links: check, then rename (a narrow window, not none).
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
      if (existsSync(path)) return false;
      renameSync(temp, path);
      return true;
    }
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Writes the plan's `create` files only (folders made as needed); `unchanged` and `kept` files are not touched. */
export function applyScaffold(plan: ScaffoldPlan): AppliedFile[] {
  return plan.files.map((file) => {
    if (file.action !== 'create') return { path: file.path, action: file.action };
    return { path: file.path, action: writeFileAtomic(file.absolutePath, file.content, { noClobber: true }) ? 'create' : 'kept' };
  });
}

/** The registration of a new kind in src/provider-factories.ts: import lines and one PROVIDER_FACTORIES entry. */
export interface FactoryRegistration {
  readonly imports: readonly string[];
  /** The entry's key (the vendor name). */
  readonly key: string;
  /** The entry's text, two-space indented, ending with `}),` (no trailing newline). */
  readonly entry: string;
}

/**
 * What the scaffold does with src/provider-factories.ts:
 * - `insert`: the entry (and the import lines it needs) will be written;
 * - `unchanged`: the entry and its imports are there as the scaffold writes them;
 * - `kept`: the file is left as it is, with why: it already has an entry for the key that differs
 *   from the scaffold's (someone edited it), or it does not have the shape the insertion relies on.
 */
export interface FactoryPlan {
  readonly path: string;
  readonly action: 'insert' | 'unchanged' | 'kept';
  readonly reason: string | null;
  /** The file's text the plan was made from (apply refuses to write over anything else). */
  readonly before: string | null;
  /** The file's text after the insertion; null unless `insert`. */
  readonly after: string | null;
}

const FACTORIES_DECLARATION = /^export const PROVIDER_FACTORIES\b.*=\s*\{\s*$/;
const OBJECT_END = /^\};\s*$/;
const IMPORT_END = /^(import\s.*|\}.*)\sfrom\s+'[^']+';\s*$/;

/** The keys of PROVIDER_FACTORIES in a provider-factories.ts text (its top-level entries), or null when the object is not found. */
export function factoryKeys(source: string): string[] | null {
  const lines = source.split('\n');
  const start = lines.findIndex((line) => FACTORIES_DECLARATION.test(line));
  if (start < 0) return null;
  const end = lines.findIndex((line, index) => index > start && OBJECT_END.test(line));
  if (end < 0) return null;
  return lines
    .slice(start + 1, end)
    .map((line) => /^ {2}(?:'([^']+)'|"([^"]+)"|([A-Za-z_$][\w$]*))\s*:/.exec(line))
    .filter((match) => match !== null)
    .map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/**
 * Plans the insertion into a provider-factories.ts text. The insertion points, chosen because they do
 * not depend on what the other entries look like:
 * - the import lines go after the last line of the file's import block (the last line before
 *   `export const PROVIDER_FACTORIES` that ends an import: `import ... from '...';` or
 *   `} from '...';`), each only when the file does not have it already;
 * - the entry goes right before the line `};` that closes `export const PROVIDER_FACTORIES ... = {`
 *   (the first such line after the declaration), which requires the last entry to end with a comma.
 * Anything else (no such declaration, no closing line, a last entry without its comma) is `kept` with
 * the reason: the scaffold does not guess.
 */
export function planFactoryInsertion(source: string | null, registration: FactoryRegistration, path = 'src/provider-factories.ts'): FactoryPlan {
  const kept = (reason: string): FactoryPlan => ({ path, action: 'kept', reason, before: source, after: null });
  if (source === null) return kept(`${path} does not exist`);
  const lines = source.split('\n');
  const start = lines.findIndex((line) => FACTORIES_DECLARATION.test(line));
  if (start < 0) return kept(`${path} has no line \`export const PROVIDER_FACTORIES ... = {\`: add the entry by hand`);
  const end = lines.findIndex((line, index) => index > start && OBJECT_END.test(line));
  if (end < 0) return kept(`${path}: PROVIDER_FACTORIES has no closing line \`};\`: add the entry by hand`);
  const keys = factoryKeys(source) ?? [];
  const missingImports = registration.imports.filter((line) => !lines.includes(line));
  if (keys.includes(registration.key)) {
    const hasEntry = source.includes(`${registration.entry}\n`);
    if (hasEntry && missingImports.length === 0) return { path, action: 'unchanged', reason: null, before: source, after: null };
    return kept(`PROVIDER_FACTORIES already has an entry for ${registration.key} that differs from the scaffold's; it is left as it is`);
  }
  const lastEntryLine = lines
    .slice(start + 1, end)
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0 && !line.trimStart().startsWith('//'))
    .at(-1);
  if (lastEntryLine !== undefined && !lastEntryLine.endsWith(',')) {
    return kept(`${path}: the last PROVIDER_FACTORIES entry does not end with a comma: add the entry by hand`);
  }
  let importEnd = -1;
  for (let index = 0; index < start; index += 1) if (IMPORT_END.test(lines[index] ?? '')) importEnd = index;
  if (importEnd < 0 && missingImports.length > 0) return kept(`${path} has no import block before PROVIDER_FACTORIES: add the entry by hand`);
  const entryLines = registration.entry.split('\n');
  const next = [...lines.slice(0, importEnd + 1), ...missingImports, ...lines.slice(importEnd + 1, end), ...entryLines, ...lines.slice(end)];
  return { path, action: 'insert', reason: null, before: source, after: next.join('\n') };
}

/**
 * Writes a planned insertion, only when the file still holds the text the plan was made from (someone
 * else may be editing it): else nothing is written and the answer is `kept`, with why.
 */
export function applyFactoryInsertion(root: string, plan: FactoryPlan): FactoryPlan {
  if (plan.action !== 'insert' || plan.after === null) return plan;
  const absolutePath = join(root, ...plan.path.split('/'));
  const current = readIfPresent(absolutePath);
  if (current !== plan.before) return { ...plan, action: 'kept', reason: `${plan.path} changed while the scaffold ran; run it again`, after: null };
  writeFileAtomic(absolutePath, plan.after);
  return plan;
}

/** Reads `<root>/<path>` for a factory plan (null when absent). */
export function readFactorySource(root: string, path = 'src/provider-factories.ts'): string | null {
  return readIfPresent(join(root, ...path.split('/')));
}
