// The schema registry's data model, as Confluent Schema Registry defines it: a subject holds
// numbered versions; each version points at a schema with a global id (the same schema text
// under two subjects shares one id); a schema may reference other subjects' versions by name.

export type SchemaType = 'AVRO' | 'JSON' | 'PROTOBUF';
export const SCHEMA_TYPES: readonly SchemaType[] = ['JSON', 'PROTOBUF', 'AVRO'];

export interface SchemaReference {
  /** The name the referring schema uses (an Avro full name, a JSON $ref URL, a .proto import). */
  name: string;
  subject: string;
  version: number;
}

/** One version of one subject. */
export interface SchemaVersion {
  subject: string;
  version: number;
  id: number;
  schemaType: SchemaType;
  /** The schema in canonical form (what lookups compare and reads return). */
  schema: string;
  references: SchemaReference[];
  deleted: boolean;
}

export type CompatibilityLevel = 'NONE' | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE';
export const COMPATIBILITY_LEVELS: readonly CompatibilityLevel[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'];
export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export type Mode = 'READWRITE' | 'READONLY' | 'READONLY_OVERRIDE' | 'IMPORT';
export const MODES: readonly Mode[] = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'];
export const DEFAULT_MODE: Mode = 'READWRITE';

/** A schema as a request gives it (register, lookup, compatibility check). */
export interface SchemaInput {
  schema: string;
  schemaType?: SchemaType | undefined;
  references?: SchemaReference[] | undefined;
}
