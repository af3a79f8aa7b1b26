// What the SQL engine needs from a schema registry for the AVRO and JSON_SR formats
// (serialization.md): the latest schema of a subject (schema inference on CREATE without columns),
// a schema by id, synchronously (a record's writer schema, while a serde decodes it), and
// registering a schema (the `<topic>-value` / `<topic>-key` subjects of a query's sink).
// brook/streams' SchemaRegistryClient (HTTP, any Confluent-compatible registry) satisfies it; the
// gateway hands the engine its own registry in-process.

import type { RegisteredSchema } from '../../streams/index.js';

export type { RegisteredSchema };
export type RegistrySchemaType = RegisteredSchema['schemaType'];

export interface SqlSchemaRegistry {
  /** Registers (or finds) `schema` under `subject`; its global id. */
  register(subject: string, schema: string, schemaType: RegistrySchemaType): Promise<number>;
  /** The latest version of `subject`; rejects with a `status` of 404 when there is none. */
  latest(subject: string): Promise<RegisteredSchema>;
  /** A schema by its id (known to the registry); throws when unknown. */
  byIdSync(id: number): RegisteredSchema;
}

/** Confluent's TopicNameStrategy, which ksqlDB uses: `<topic>-key`, `<topic>-value`. */
export function subjectOf(topic: string, isKey: boolean): string {
  return `${topic}-${isKey ? 'key' : 'value'}`;
}

/** The formats whose schemas live in the registry, with the registry's schema type. */
export function registrySchemaType(format: string): RegistrySchemaType | undefined {
  if (format === 'AVRO') return 'AVRO';
  if (format === 'JSON_SR') return 'JSON';
  if (format === 'PROTOBUF') return 'PROTOBUF';
  return undefined;
}
