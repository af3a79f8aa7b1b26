// The shape of the schema description scripts/generate-protocol.ts emits for the round-trip tests
// (test/protocol/generated/message-schemas.ts). Version ranges are [min, max]; "n+" has max 32767.
export interface SchemaField {
  name: string;
  /** A primitive type name, "[]<primitive>", "struct" or "[]struct". */
  type: string;
  versions: [number, number] | null;
  nullable: [number, number] | null;
  tagged: [number, number] | null;
  tag?: number;
  /** The spec's `default` attribute, as text. */
  default?: string;
  fields?: SchemaField[];
}

export interface MessageSchema {
  name: string;
  minVersion: number;
  maxVersion: number;
  firstFlexibleVersion: number;
  fields: SchemaField[];
}
