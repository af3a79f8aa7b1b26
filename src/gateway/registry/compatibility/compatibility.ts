// Compatibility levels, as Confluent Schema Registry defines them, applied to a new schema and
// the subject's live (not deleted) versions, oldest first:
//   BACKWARD   the new schema can read data written with the latest version
//   FORWARD    the latest version can read data written with the new schema
//   FULL       both
//   *_TRANSITIVE  the same against every earlier version, not only the latest
//   NONE       no check
// Enforced for AVRO and JSON; PROTOBUF versions are not checked (stored and served only).
import type { ParsedSchema } from '../parsed-schema.js';
import type { CompatibilityLevel } from '../schema-types.js';
import { avroReadProblems } from './avro-compatibility.js';
import { jsonSchemaReadProblems } from './json-schema-compatibility.js';

function canRead(reader: ParsedSchema, writer: ParsedSchema): string[] {
  if (reader.schemaType !== writer.schemaType) return [`schema type changed from ${writer.schemaType} to ${reader.schemaType}`];
  if (reader.avro && writer.avro) return avroReadProblems(reader.avro, writer.avro);
  if (reader.schemaType === 'JSON') return jsonSchemaReadProblems(reader.json, writer.json);
  return [];
}

/** Problems (empty: compatible) of `candidate` against `previous` (oldest first) under `level`. */
export function compatibilityProblems(level: CompatibilityLevel, candidate: ParsedSchema, previous: readonly ParsedSchema[]): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? [...previous].reverse() : [previous[previous.length - 1]!];
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const old of against) {
    if (backward) for (const p of canRead(candidate, old)) problems.push(`{oldSchemaVersion: ${versionLabel(old)}, description: 'The new schema cannot read data written with the old one: ${p}'}`);
    if (forward) for (const p of canRead(old, candidate)) problems.push(`{oldSchemaVersion: ${versionLabel(old)}, description: 'The old schema cannot read data written with the new one: ${p}'}`);
  }
  return problems;
}

const labels = new WeakMap<ParsedSchema, number>();
export function labelVersion(p: ParsedSchema, version: number): ParsedSchema {
  labels.set(p, version);
  return p;
}
function versionLabel(p: ParsedSchema): string {
  return String(labels.get(p) ?? '?');
}
