// Serialization formats (serialization.md): how a row's key columns become the Kafka record key and
// its value columns the record value. A value serde reads into (and writes from) a row array at
// given positions, so a source row is allocated once with room for key and pseudo columns; a key
// serde reads a single key column as its value and several as an array.

import type { FormatInfo, FormatName } from '../catalog/data-source.js';
import { SqlError } from '../errors.js';
import { formatType } from '../types/sql-type.js';
import type { Format } from './format-types.js';
import { delimitedFormat } from './delimited-format.js';
import { jsonFormat } from './json-format.js';
import { kafkaFormat } from './kafka-format.js';
import { avroFormat } from './avro-format.js';
import { jsonSrFormat } from './json-sr-format.js';

const noneFormat: Format = {
  name: 'NONE',
  validate(columns) {
    if (columns.length > 0) {
      throw new SqlError(`The 'NONE' format can only be used when no columns are defined. Got: [${columns.map((c) => `\`${c.name}\` ${formatType(c.type)}${c.kind === 'KEY' ? ' KEY' : ''}`).join(', ')}]`);
    }
  },
  keySerde: () => ({ name: 'none', serialize: () => Buffer.alloc(0), deserialize: () => null }),
  valueSerde: () => {
    throw new SqlError("The 'NONE' format can only be used as a key format");
  },
};

const FORMATS: ReadonlyMap<string, Format> = new Map<string, Format>([
  ['JSON', jsonFormat],
  ['KAFKA', kafkaFormat],
  ['DELIMITED', delimitedFormat],
  ['NONE', noneFormat],
]);

export const KNOWN_FORMATS = new Set<FormatName>(['JSON', 'JSON_SR', 'KAFKA', 'DELIMITED', 'NONE', 'AVRO', 'PROTOBUF', 'PROTOBUF_NOSR']);

export function formatOf(info: FormatInfo): Format {
  const f = FORMATS.get(info.format);
  if (!f) {
    if ((info.format === 'AVRO' || info.format === 'JSON_SR') && info.registry) return info.format === 'AVRO' ? avroFormat(info.registry) : jsonSrFormat;
    if (KNOWN_FORMATS.has(info.format)) {
      throw new SqlError(`The ${info.format} format needs a schema registry, which this SQL engine has not been given; use JSON, KAFKA or DELIMITED`);
    }
    throw new SqlError(`Unknown format: ${info.format}`);
  }
  return f;
}


export { refuseTypes, wrapSingleValue, keyColumnsOf, type Format, type Row, type ValueLayout } from './format-types.js';
