// Parses a schema as the registry receives it, resolving its references, and gives it the
// canonical text lookups compare:
//   AVRO      avsc (the widely used JavaScript Avro implementation): names, types and defaults
//             are checked; referenced named types are parsed first into the same registry.
//   JSON      ajv compiles it (draft-07 by default, 2019-09 / 2020-12 when `$schema` says so);
//             referenced schemas are added under their reference names so `$ref`s resolve.
//   PROTOBUF  stored and served; only checked to be non-empty text (compatibility is optional
//             in the issue and not enforced).
// Canonical text: the JSON re-serialised without insignificant whitespace (as Confluent's
// canonicalString does for Avro and JSON); Protobuf text trimmed.
import avro from 'avsc';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { SchemaReference, SchemaType, SchemaVersion } from './schema-types.js';

// ajv-formats is CommonJS; its default export is the plugin function.
const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export class InvalidSchemaError extends Error {
  override readonly name = 'InvalidSchemaError';
}

export interface ParsedSchema {
  schemaType: SchemaType;
  canonical: string;
  references: SchemaReference[];
  /** AVRO: the avsc type. */
  avro?: avro.Type;
  /** JSON: the schema document and its compiled validator. */
  json?: unknown;
  validate?: ValidateFunction;
  /** JSON: referenced documents by reference name. */
  jsonRefs?: Map<string, unknown>;
}

/** Finds a referenced version (not deleted); undefined when it does not exist. */
export type ReferenceResolver = (subject: string, version: number) => SchemaVersion | undefined;

const MAX_REFERENCE_DEPTH = 32;

export function parseSchema(schemaType: SchemaType, text: string, references: readonly SchemaReference[], resolve: ReferenceResolver): ParsedSchema {
  if (typeof text !== 'string' || text.trim() === '') throw new InvalidSchemaError('Empty schema');
  switch (schemaType) {
    case 'AVRO':
      return parseAvro(text, references, resolve);
    case 'JSON':
      return parseJson(text, references, resolve);
    case 'PROTOBUF':
      if (!/\b(message|enum|service|syntax)\b/.test(text)) throw new InvalidSchemaError('Not a Protobuf schema: no message, enum, service or syntax declaration');
      return { schemaType, canonical: text.trim(), references: [...references] };
  }
}

function jsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InvalidSchemaError(`Invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function referencedVersions(references: readonly SchemaReference[], resolve: ReferenceResolver): SchemaVersion[] {
  return references.map((r) => {
    if (typeof r?.subject !== 'string' || typeof r.name !== 'string' || !Number.isInteger(r.version)) throw new InvalidSchemaError('Invalid reference: needs name, subject and version');
    const v = resolve(r.subject, r.version);
    if (!v) throw new InvalidSchemaError(`Invalid reference: subject ${r.subject} version ${r.version} not found`);
    return v;
  });
}

function parseAvro(text: string, references: readonly SchemaReference[], resolve: ReferenceResolver): ParsedSchema {
  const registry: Record<string, avro.Type> = {};
  const loadReferences = (refs: readonly SchemaReference[], depth: number): void => {
    if (depth > MAX_REFERENCE_DEPTH) throw new InvalidSchemaError('References nest too deeply');
    for (const v of referencedVersions(refs, resolve)) {
      loadReferences(v.references, depth + 1);
      try {
        avro.Type.forSchema(JSON.parse(v.schema) as avro.Schema, { registry, wrapUnions: 'auto', noAnonymousTypes: true });
      } catch (e) {
        throw new InvalidSchemaError(`Invalid reference ${v.subject}/${v.version}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  };
  loadReferences(references, 0);
  const doc = jsonText(text);
  let type: avro.Type;
  try {
    type = avro.Type.forSchema(doc as avro.Schema, { registry, wrapUnions: 'auto', noAnonymousTypes: true });
  } catch (e) {
    throw new InvalidSchemaError(e instanceof Error ? e.message : String(e));
  }
  return { schemaType: 'AVRO', canonical: JSON.stringify(doc), references: [...references], avro: type };
}

function ajvFor(doc: unknown): Ajv {
  const declared = typeof doc === 'object' && doc !== null ? String((doc as { $schema?: unknown }).$schema ?? '') : '';
  const options = { strict: false, allErrors: false, validateFormats: true } as const;
  const ajv = declared.includes('2020-12') ? new Ajv2020(options) : declared.includes('2019-09') ? new Ajv2019(options) : new Ajv(options);
  addFormats(ajv as Ajv);
  return ajv as Ajv;
}

function parseJson(text: string, references: readonly SchemaReference[], resolve: ReferenceResolver): ParsedSchema {
  const doc = jsonText(text);
  if (typeof doc !== 'object' && typeof doc !== 'boolean') throw new InvalidSchemaError('A JSON Schema is an object or a boolean');
  if (doc === null || Array.isArray(doc)) throw new InvalidSchemaError('A JSON Schema is an object or a boolean');
  const ajv = ajvFor(doc);
  const jsonRefs = new Map<string, unknown>();
  const add = (refs: readonly SchemaReference[], depth: number): void => {
    if (depth > MAX_REFERENCE_DEPTH) throw new InvalidSchemaError('References nest too deeply');
    const versions = referencedVersions(refs, resolve);
    refs.forEach((r, i) => {
      const v = versions[i]!;
      add(v.references, depth + 1);
      if (jsonRefs.has(r.name)) return;
      const refDoc = jsonText(v.schema);
      jsonRefs.set(r.name, refDoc);
      try {
        ajv.addSchema(refDoc as object, r.name);
      } catch (e) {
        throw new InvalidSchemaError(`Invalid reference ${r.name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  };
  add(references, 0);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(doc as object);
  } catch (e) {
    throw new InvalidSchemaError(e instanceof Error ? e.message : String(e));
  }
  return { schemaType: 'JSON', canonical: JSON.stringify(doc), references: [...references], json: doc, validate, jsonRefs };
}
