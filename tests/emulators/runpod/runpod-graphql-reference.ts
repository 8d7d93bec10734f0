import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  type DefinitionNode,
  type DocumentNode,
  type GraphQLSchema,
  getVariableValues,
  Kind,
  type OperationDefinitionNode,
  parse,
  type TypeDefinitionNode,
  validate,
} from 'graphql';

const SPECS = join(import.meta.dirname, '..', '..', '..', 'vendor-specs', 'runpod');

/** The schema genqlient builds RunPod's Pulumi provider against (runpod/pulumi-runpod, provider/pkg/runpod/schema.graphql). */
export const RUNPOD_PRIMARY_SCHEMA = join(SPECS, 'pulumi-runpod-schema.graphql');
/** The same repository's schema "extracted from runpod/node/graphql": the only one with podRentInterruptable (provider/internal/graphql/schema.graphql). */
export const RUNPOD_SUPPLEMENT_SCHEMA = join(SPECS, 'pulumi-runpod-internal-schema.graphql');

type FieldedDefinition = Extract<TypeDefinitionNode, { fields?: unknown }>;

function hasFields(definition: DefinitionNode): definition is FieldedDefinition & { fields: readonly { name: { value: string } }[] } {
  return (
    (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) &&
    definition.fields !== undefined
  );
}

function typeName(definition: DefinitionNode): string | null {
  return 'name' in definition && definition.name !== undefined ? definition.name.value : null;
}

/**
 * RunPod's GraphQL schema as the tests know it: the primary file as it is, plus every type and field
 * only the supplement has (podRentInterruptable and its input, User.pods, Pod.runtime / machine).
 * Where both define a type or a field, the primary wins (it is the one a client is generated and
 * checked against; the supplement's `type Port` clashes with the primary's `scalar Port`).
 */
export function runPodReferenceSchema(): GraphQLSchema {
  const primary = parse(readFileSync(RUNPOD_PRIMARY_SCHEMA, 'utf8'));
  const supplement = parse(readFileSync(RUNPOD_SUPPLEMENT_SCHEMA, 'utf8'));
  const merged = new Map<string, DefinitionNode>();
  for (const definition of primary.definitions) {
    const name = typeName(definition);
    if (name !== null) merged.set(name, definition);
  }
  for (const definition of supplement.definitions) {
    const name = typeName(definition);
    if (name === null) continue;
    const known = merged.get(name);
    if (known === undefined) {
      merged.set(name, definition);
    } else if (hasFields(known) && hasFields(definition) && known.kind === definition.kind) {
      const names = new Set(known.fields.map((field) => field.name.value));
      const added = definition.fields.filter((field) => !names.has(field.name.value));
      merged.set(name, { ...known, fields: [...known.fields, ...added] } as unknown as DefinitionNode);
    }
  }
  return buildASTSchema({ kind: Kind.DOCUMENT, definitions: [...merged.values()] } as DocumentNode);
}

/** Validation errors of one document, and of the variables sent with it (when given), against a schema: empty when it is valid. */
export function graphqlRequestErrors(schema: GraphQLSchema, query: string, variables?: Record<string, unknown>): string[] {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return [String(error)];
  }
  const invalid = validate(schema, document).map((error) => error.message);
  if (invalid.length > 0 || variables === undefined) return invalid;
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operation === undefined) return ['no operation'];
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  return coerced.errors?.map((error) => error.message) ?? [];
}
