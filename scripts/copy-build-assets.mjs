// `npm run build`'s second step: tsc emits JavaScript only, so the JSON data files the code reads at run
// time (the bundled LLM catalog, the model score table) are copied beside the compiled files in dist/.
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

function jsonFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'emulators' ? [] : jsonFiles(path);
    return entry.name.endsWith('.json') ? [path] : [];
  });
}

const copied = jsonFiles(src).map((file) => {
  cpSync(file, join(dist, relative(src, file)));
  return relative(root, file);
});
console.log(`copied ${copied.length} data files into dist/: ${copied.join(', ')}`);
