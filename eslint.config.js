import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One `no-restricted-imports` rule per layer: the import graph of docs/architecture.md ("Who imports whom"), enforced. */
const layer = (files, forbidden) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map(({ group, because }) => ({ group, message: because })) },
    ],
  },
});

const NOT_CONTROL_PLANE = { group: ['**/control-plane/**'], because: 'only the composition root and tests see the control plane' };
const NOT_EMULATORS = { group: ['**/emulators/**'], because: 'production code never imports an emulator' };
const NOT_PROVIDERS = { group: ['**/providers/**'], because: 'the control plane and emulators never import a provider (provider-factories.ts is the only place that names them)' };
const NOT_CHAOS = { group: ['**/chaos/**'], because: 'fault injection lives behind providers and emulators; placement never reaches it' };
/** Placement decides from the contracts alone: the catalog it reads is `InstanceTypeOffering`, whichever provider wrote it. */
const PLACEMENT_SEES_CONTRACTS_ONLY = [
  { ...NOT_CONTROL_PLANE, because: 'placement is called by the control plane, never the other way round' },
  { ...NOT_PROVIDERS, because: 'placement sees providers only through src/contracts (their catalogs as InstanceTypeOffering)' },
  NOT_EMULATORS,
  NOT_CHAOS,
  { group: ['**/provider-factories*', '**/main.js'], because: 'the composition root wires placement in; placement does not import it' },
];
const otherProviders = (self) => ({
  group: ['aws', 'lambda-labs', 'runpod', 'orbstack'].filter((name) => name !== self).map((name) => `../${name}/**`),
  because: 'a provider never imports another provider',
});

const LLM_FOLDERS = ['core', 'transport', 'pricing', 'catalog', 'handoff', 'registry', 'runtime', 'adapters', 'gateway'];
/** Who may import whom inside src/llm; everything outside src/llm is forbidden to it. */
const LLM_ALLOWED = {
  core: [],
  transport: ['core'],
  pricing: ['core'],
  catalog: ['core', 'pricing'],
  handoff: ['core'],
  registry: ['core', 'catalog'],
  runtime: ['core', 'transport', 'pricing', 'catalog', 'handoff', 'registry'],
  adapters: ['core'],
  /** Policy routing and the escalation ladder: over the runtime, never under it. */
  gateway: ['core', 'transport', 'pricing', 'catalog', 'handoff', 'registry', 'runtime'],
};
function llmLayers() {
  const outside = { group: ['**/control-plane/**', '**/providers/**', '**/emulators/**', '**/placement/**', '**/readiness/**', '**/contracts/**', '**/chaos/**', '**/lib/**'], because: 'src/llm is a library: it imports nothing of Hangar outside src/llm' };
  return LLM_FOLDERS.map((folder) => {
    const forbidden = LLM_FOLDERS.filter((other) => other !== folder && !LLM_ALLOWED[folder].includes(other));
    const groups = forbidden.map((other) => ({ group: [`**/llm/${other}/**`, `../${other}/**`, `../../${other}/**`], because: `src/llm/${folder} may import only ${['itself', ...LLM_ALLOWED[folder]].join(', ')}` }));
    return layer([`src/llm/${folder}/**`], [...groups, outside]);
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'reports/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'error',
    },
  },
  layer(['src/contracts/**'], [{ group: ['../**'], because: 'contracts import nothing of ours' }]),
  layer(['src/lib/**'], [{ group: ['../**'], because: 'src/lib holds generic helpers: it imports nothing of ours' }]),
  layer(['src/chaos/**'], [NOT_CONTROL_PLANE, NOT_EMULATORS, NOT_PROVIDERS]),
  ...['aws', 'lambda-labs', 'runpod', 'orbstack'].map((name) =>
    layer([`src/providers/${name}/**`], [NOT_CONTROL_PLANE, NOT_EMULATORS, otherProviders(name)]),
  ),
  layer(['src/emulators/**'], [NOT_CONTROL_PLANE, NOT_PROVIDERS]),
  layer(['src/control-plane/**'], [NOT_PROVIDERS, NOT_EMULATORS]),
  layer(['src/placement/**'], PLACEMENT_SEES_CONTRACTS_ONLY),
  // Readiness is generic (compute providers now, LLM providers later): it sees providers only through their registered probes.
  layer(['src/readiness/**'], [
    { ...NOT_CONTROL_PLANE, because: 'readiness is called by the control plane, never the other way round' },
    { ...NOT_PROVIDERS, because: 'readiness sees providers only through their ReadinessProbes (src/contracts)' },
    NOT_EMULATORS,
    NOT_CHAOS,
    { group: ['**/placement/**'], because: 'readiness and placement are siblings: the control plane joins them' },
  ]),
  // The LLM runtime (docs/llm-runtime.md): a stateless library; each folder imports only what the arrows allow.
  ...llmLayers(),
  // Governance (docs/governance.md) sees providers by name only: the composition root hands it the names.
  layer(['src/governance/**'], [
    { ...NOT_CONTROL_PLANE, because: 'governance is called by the control plane and the composition root, never the other way round' },
    { ...NOT_PROVIDERS, because: 'governance sees providers by name only' },
    NOT_EMULATORS,
    NOT_CHAOS,
    { group: ['**/placement/**', '**/readiness/**'], because: 'governance is a sibling of placement and readiness' },
    { group: ['**/llm/*/**'], because: 'governance sees the LLM runtime through src/llm/index.ts only' },
  ]),
  layer(['src/provider-factories.ts', 'src/provider-registrations.ts', 'src/provider-names.ts', 'src/main.ts', 'src/readiness-cli.ts', 'src/contracts-check-cli.ts'], [NOT_EMULATORS]),
  {
    files: ['bench/**', '.ci/**', 'scripts/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
