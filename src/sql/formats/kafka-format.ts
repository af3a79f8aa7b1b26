// The KAFKA format: one primitive column serialized as Kafka's own serializers do (Integer, Long,
// Double, String and ByteArray serializers: big-endian numbers, UTF-8 text, raw bytes), for keys
// above all. It performs no coercion; a record of the wrong size fails to deserialize.

import { SqlError, SqlEvaluationError } from '../errors.js';
import { string as stringSerde, type Serde } from '../../streams/index.js';
import type { Column } from '../catalog/data-source.js';
import { formatColumns, type SqlType } from '../types/sql-type.js';
import { refuseTypes, type Format, type Row, type ValueLayout } from './format-types.js';

interface PrimitiveCodec {
  write(v: unknown): Buffer;
  read(b: Buffer): unknown;
}

function codec(t: SqlType): PrimitiveCodec {
  switch (t.base) {
    case 'INTEGER':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(4);
          b.writeInt32BE(v as number, 0);
          return b;
        },
        read: (b) => {
          if (b.length !== 4) throw new SqlEvaluationError(`Size of data received by IntegerDeserializer is not 4 (got ${b.length})`);
          return b.readInt32BE(0);
        },
      };
    case 'BIGINT':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(8);
          b.writeBigInt64BE(v as bigint, 0);
          return b;
        },
        read: (b) => {
          if (b.length !== 8) throw new SqlEvaluationError(`Size of data received by LongDeserializer is not 8 (got ${b.length})`);
          return b.readBigInt64BE(0);
        },
      };
    case 'DOUBLE':
      return {
        write: (v) => {
          const b = Buffer.allocUnsafe(8);
          b.writeDoubleBE(v as number, 0);
          return b;
        },
        read: (b) => {
          if (b.length !== 8) throw new SqlEvaluationError(`Size of data received by DoubleDeserializer is not 8 (got ${b.length})`);
          return b.readDoubleBE(0);
        },
      };
    case 'STRING':
      return { write: (v) => Buffer.from(v as string, 'utf8'), read: (b) => b.toString('utf8') };
    case 'BYTES':
      return { write: (v) => v as Buffer, read: (b) => Buffer.from(b) };
    default:
      throw new SqlError(`The 'KAFKA' format does not support type '${t.base}'`);
  }
}

function single(columns: readonly Column[]): Column {
  if (columns.length !== 1) throw new SqlError(`The 'KAFKA' format only supports a single field. Got: [${formatColumns(columns)}]`);
  return columns[0]!;
}

export const kafkaFormat: Format = {
  name: 'KAFKA',
  validate(columns, isKey) {
    refuseTypes('KAFKA', columns, (t) => !['INTEGER', 'BIGINT', 'DOUBLE', 'STRING', 'BYTES'].includes(t.base));
    if (columns.length > 1) single(columns);
    void isKey;
  },
  keySerde(columns): Serde<unknown> {
    const type = single(columns).type;
    // brook/streams' own string serde (same bytes): its stores then index keys by the string
    // itself instead of encoding every key they look up.
    if (type.base === 'STRING') return stringSerde as Serde<unknown>;
    const c = codec(type);
    return { name: 'kafka', serialize: (v) => c.write(v), deserialize: (b) => c.read(b) };
  },
  valueSerde(layout: ValueLayout): Serde<Row> {
    const col = single(layout.columns);
    const c = codec(col.type);
    const at = layout.indices[0]!;
    const n = layout.rowLength;
    return {
      name: 'kafka',
      serialize: (row) => c.write(row[at]),
      deserialize: (b) => {
        const row: Row = new Array(n).fill(null);
        row[at] = c.read(b);
        return row;
      },
    };
  },
};
