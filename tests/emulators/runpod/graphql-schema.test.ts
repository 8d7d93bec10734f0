import {
  getNamedType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputObjectType,
  type GraphQLNamedType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { runPodGraphqlSchema } from '../../../src/emulators/runpod/graphql-schema.js';
import { RUNPOD_GRAPHQL_DOCUMENTS } from '../../../src/providers/runpod/runpod-graphql-documents.js';
import { graphqlRequestErrors, runPodReferenceSchema } from './runpod-graphql-reference.js';

const reference = runPodReferenceSchema();
const emulator = runPodGraphqlSchema();

/** Fields the emulator serves that the reference files do not list, each with the vendor source that shows it. */
const EMULATOR_EXTRAS: Readonly<Record<string, string>> = {
  'Machine.podHostId': 'docs/graphql-manage-pods.mdx: podFindAndDeployOnDemand { ... machine { podHostId } } and its example answer',
};

const argsOf = (field: { args: readonly GraphQLArgument[] }) =>
  Object.fromEntries(field.args.map((arg) => [arg.name, `${String(arg.type)}${arg.defaultValue === undefined ? '' : ` = ${JSON.stringify(arg.defaultValue)}`}`]));

/** A named type as text: kind, then fields (with arguments), input fields (with defaults) or enum values. */
function shape(type: GraphQLNamedType | undefined | null): unknown {
  if (type === undefined || type === null) return 'missing';
  if (isEnumType(type)) return { enum: type.getValues().map((value) => value.name).sort() };
  if (isInputObjectType(type)) return { input: Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, argsOf({ args: [field as unknown as GraphQLArgument] })[field.name]])) };
  if (isObjectType(type)) return { object: type.name };
  return { scalar: type.name };
}

function fieldShape(field: GraphQLField<unknown, unknown> | undefined): unknown {
  return field === undefined ? 'missing' : { type: String(field.type), args: argsOf(field) };
}

/** `Type.field` for every field Hangar's documents select, and every input, enum and scalar type their arguments and variables reach. */
function touchedBy(schema: GraphQLSchema, documents: readonly string[]): { fields: Set<string>; types: Set<string> } {
  const fields = new Set<string>();
  const types = new Set<string>();
  const reach = (type: GraphQLNamedType) => {
    if (types.has(type.name) || isObjectType(type)) return;
    types.add(type.name);
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) reach(getNamedType(field.type));
  };
  for (const document of documents) {
    const typeInfo = new TypeInfo(schema);
    visit(
      parse(document),
      visitWithTypeInfo(typeInfo, {
        Field() {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (parent === null || parent === undefined || field === null || field === undefined) return;
          fields.add(`${parent.name}.${field.name}`);
          for (const arg of field.args) reach(getNamedType(arg.type));
          reach(getNamedType(field.type));
        },
        VariableDefinition() {
          const input = typeInfo.getInputType();
          if (input !== null && input !== undefined) reach(getNamedType(input));
        },
      }),
    );
  }
  return { fields, types };
}

function field(schema: GraphQLSchema, path: string): GraphQLField<unknown, unknown> | undefined {
  const [typeName, fieldName] = path.split('.') as [string, string];
  const type = schema.getType(typeName);
  return isObjectType(type) ? type.getFields()[fieldName] : undefined;
}

describe("RunPod GraphQL: Hangar's documents and the emulator's schema against RunPod's schema (vendor-specs/runpod)", () => {
  const documents = Object.values(RUNPOD_GRAPHQL_DOCUMENTS);

  it('every document Hangar sends is valid against RunPod’s schema and against the emulator’s', () => {
    expect(documents.length).toBeGreaterThan(0);
    for (const [name, document] of Object.entries(RUNPOD_GRAPHQL_DOCUMENTS)) {
      expect(graphqlRequestErrors(reference, document), `${name} against RunPod's schema`).toEqual([]);
      expect(graphqlRequestErrors(emulator, document), `${name} against the emulator's schema`).toEqual([]);
    }
  });

  it('the emulator declares every field, argument, input field, enum value and nullability those documents touch exactly as RunPod does', () => {
    const touched = touchedBy(reference, documents);
    expect(touched.fields).toContain('Mutation.podRentInterruptable');
    expect(touched.types).toContain('GpuLowestPriceInput');
    const drift: string[] = [];
    for (const path of touched.fields) {
      const want = fieldShape(field(reference, path));
      const got = fieldShape(field(emulator, path));
      if (JSON.stringify(want) !== JSON.stringify(got)) drift.push(`${path}: RunPod ${JSON.stringify(want)}, emulator ${JSON.stringify(got)}`);
    }
    for (const name of touched.types) {
      const want = shape(reference.getType(name));
      const got = shape(emulator.getType(name));
      if (JSON.stringify(want) !== JSON.stringify(got)) drift.push(`${name}: RunPod ${JSON.stringify(want)}, emulator ${JSON.stringify(got)}`);
    }
    expect(drift).toEqual([]);
  });

  it('everything else the emulator declares agrees with RunPod’s schema too (extras only where a vendor source shows them)', () => {
    const drift: string[] = [];
    for (const type of Object.values(emulator.getTypeMap())) {
      if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
      const theirs = reference.getType(type.name);
      if (isObjectType(type)) {
        if (!isObjectType(theirs)) {
          drift.push(`${type.name}: RunPod has no such object type`);
          continue;
        }
        for (const mine of Object.values(type.getFields())) {
          const path = `${type.name}.${mine.name}`;
          if (EMULATOR_EXTRAS[path] !== undefined && theirs.getFields()[mine.name] === undefined) continue;
          const want = fieldShape(theirs.getFields()[mine.name]);
          const got = fieldShape(mine);
          if (JSON.stringify(want) !== JSON.stringify(got)) drift.push(`${path}: RunPod ${JSON.stringify(want)}, emulator ${JSON.stringify(got)}`);
        }
      } else if (JSON.stringify(shape(type)) !== JSON.stringify(shape(theirs))) {
        drift.push(`${type.name}: RunPod ${JSON.stringify(shape(theirs))}, emulator ${JSON.stringify(shape(type))}`);
      }
    }
    expect(drift).toEqual([]);
  });

  it('the reference itself is what the vendor files say: gpuCount required for a price, imageName / gpuTypeId / bidPerGpu optional for a rental, podTerminate Void', () => {
    expect(String((reference.getType('GpuLowestPriceInput') as GraphQLInputObjectType).getFields().gpuCount?.type)).toBe('Int!');
    const rent = (reference.getType('PodRentInterruptableInput') as GraphQLInputObjectType).getFields();
    expect([rent.imageName?.type, rent.gpuTypeId?.type, rent.bidPerGpu?.type].map(String)).toEqual(['String', 'String', 'Float']);
    expect(String(field(reference, 'Mutation.podTerminate')?.type)).toBe('Void');
    expect(String(field(reference, 'Query.gpuTypes')?.type)).toBe('[GpuType]');
  });
});
