// Serdes the SQL engine uses for its own topics (repartition topics and state store changelogs):
// a row as a JSON array of its typed values, and keys of windowed tables in Kafka Streams'
// layouts, so the output of a windowed aggregation is readable by any Kafka Streams client:
//   time windows:    [key bytes][window start: int64 BE]                     (TimeWindowedSerializer)
//   session windows: [key bytes][window end: int64 BE][window start: int64 BE] (SessionWindowedSerializer,
//                    end inclusive as Kafka's SessionWindow)

import { SqlEvaluationError } from '../errors.js';
import type { Serde, Windowed } from '../../streams/index.js';
import type { SqlType } from '../types/sql-type.js';
import type { Row } from './format-types.js';
import { jsonReader, writeJson } from './json-values.js';

const EMPTY_ROW = Buffer.from('[]');

export function internalRowSerde(types: readonly SqlType[]): Serde<Row> {
  // No values (COUNT(*) alone through a repartition topic): nothing to encode or parse.
  if (types.length === 0) return { name: 'sql-row', serialize: () => EMPTY_ROW, deserialize: () => [] };
  const readers = types.map(jsonReader);
  return {
    name: 'sql-row',
    serialize: (row) => {
      let out = '[';
      for (let i = 0; i < types.length; i++) out += (i > 0 ? ',' : '') + writeJson(row[i] ?? null, types[i]!);
      return Buffer.from(out + ']', 'utf8');
    },
    deserialize: (b) => {
      const a = JSON.parse(b.toString('utf8')) as unknown[];
      if (!Array.isArray(a) || a.length !== types.length) throw new SqlEvaluationError(`internal row has ${Array.isArray(a) ? a.length : 0} values, expected ${types.length}`);
      return a.map((v, i) => readers[i]!(v, `[${i}]`));
    },
  };
}

/** Keys of tumbling and hopping windows: the window start follows the key; the end is start + size. */
export function timeWindowedKeySerde<K>(inner: Serde<K>, sizeMs: number): Serde<Windowed<K>> {
  return {
    name: `time-windowed(${inner.name})`,
    serialize: (w) => {
      const key = inner.serialize(w.key);
      const out = Buffer.allocUnsafe(key.length + 8);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(w.window.start), key.length);
      return out;
    },
    deserialize: (b) => {
      if (b.length < 8) throw new SqlEvaluationError(`a windowed key needs at least 8 bytes, got ${b.length}`);
      const start = Number(b.readBigInt64BE(b.length - 8));
      return { key: inner.deserialize(b.subarray(0, b.length - 8)), window: { start, end: start + sizeMs } };
    },
  };
}

/**
 * Keys of session windows. Brook's session windows end exclusively (last record + 1); Kafka's
 * SessionWindow end is the last record's timestamp, which is what is written.
 */
export function sessionWindowedKeySerde<K>(inner: Serde<K>): Serde<Windowed<K>> {
  return {
    name: `session-windowed(${inner.name})`,
    serialize: (w) => {
      const key = inner.serialize(w.key);
      const out = Buffer.allocUnsafe(key.length + 16);
      key.copy(out, 0);
      out.writeBigInt64BE(BigInt(w.window.end - 1), key.length);
      out.writeBigInt64BE(BigInt(w.window.start), key.length + 8);
      return out;
    },
    deserialize: (b) => {
      if (b.length < 16) throw new SqlEvaluationError(`a session-windowed key needs at least 16 bytes, got ${b.length}`);
      const at = b.length - 16;
      const end = Number(b.readBigInt64BE(at)) + 1;
      const start = Number(b.readBigInt64BE(at + 8));
      return { key: inner.deserialize(b.subarray(0, at)), window: { start, end } };
    },
  };
}
