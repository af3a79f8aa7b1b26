// The JSON_SR format (serialization.md): JSON text in Confluent's wire format, its JSON Schema in
// the schema registry. The payload reads and writes as the JSON format does (same field matching
// and value rules); writing frames it with the schema id in SCHEMA_ID (the schema the engine
// registered for a sink, or the one a CREATE named or inferred).

import type { Serde } from '../../streams/index.js';
import { SqlError } from '../errors.js';
import type { Format, Row } from './format-types.js';
import { jsonFormat } from './json-format.js';
import { frame, schemaIdOf, unframe } from './registry-framing.js';

function framed<T>(inner: Serde<T>, id: number | undefined, what: string): Serde<T> {
  return {
    name: 'json_sr',
    serialize: (v) => {
      if (id === undefined) throw new SqlError(`No JSON schema is registered for the ${what} (no SCHEMA_ID)`);
      return frame(id, inner.serialize(v));
    },
    deserialize: (b) => inner.deserialize(unframe(b).payload),
  };
}

export const jsonSrFormat: Format = {
  name: 'JSON_SR',
  validate: (columns, isKey, properties) => jsonFormat.validate(columns, isKey, properties),
  keySerde: (columns, properties) => framed(jsonFormat.keySerde(columns, properties), schemaIdOf(properties), 'key'),
  valueSerde: (layout, properties): Serde<Row> => framed(jsonFormat.valueSerde(layout, properties), schemaIdOf(properties), 'value'),
};
