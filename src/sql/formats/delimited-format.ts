// The DELIMITED format: one line of comma-separated values (or another single-character delimiter,
// VALUE_DELIMITER / KEY_DELIMITER, with TAB and SPACE spelled out), quoted as RFC 4180 / Apache
// commons-csv's default format does. An empty field reads as NULL and NULL writes as an empty
// field. TIMESTAMP is written as epoch milliseconds, TIME as milliseconds of the day, DATE as epoch
// days, BYTES as base64; ARRAY, MAP and STRUCT are not supported.

import { SqlError, SqlEvaluationError } from '../errors.js';
import type { Serde } from '../../streams/index.js';
import type { Column } from '../catalog/data-source.js';
import { parseJavaDouble, parseJavaInt, parseJavaLong } from '../types/cast.js';
import { ensureFits, formatDecimal, parseDecimal, rescale } from '../types/decimal.js';
import { javaDoubleToString } from '../types/java-text.js';
import type { SqlType } from '../types/sql-type.js';
import { refuseTypes, type Format, type Row, type ValueLayout } from './format-types.js';

/** The delimiter character from VALUE_DELIMITER / KEY_DELIMITER: one character, or TAB or SPACE. */
export function delimiterOf(value: string | undefined, property = 'VALUE_DELIMITER'): string {
  if (value === undefined) return ',';
  if (value.toUpperCase() === 'TAB') return '\t';
  if (value.toUpperCase() === 'SPACE') return ' ';
  if (value.length === 0) {
    throw new SqlError(
      `Configuration ${property} is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'`,
    );
  }
  if ([...value].length !== 1 || value === '\t' || value === ' ') {
    throw new SqlError(`Configuration ${property} is invalid: Invalid delimiter value: '${value}'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'`);
  }
  return value;
}

function parseLine(line: string, d: string): Array<string | null> {
  const out: Array<string | null> = [];
  let i = 0;
  const n = line.length;
  if (n === 0) return [null];
  while (true) {
    if (line[i] === '"') {
      let v = '';
      i++;
      while (true) {
        if (i >= n) throw new SqlEvaluationError('Error deserializing delimited: unterminated quoted field');
        if (line[i] === '"') {
          if (line[i + 1] === '"') {
            v += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += line[i++];
      }
      out.push(v);
    } else {
      const at = line.indexOf(d, i);
      const end = at < 0 ? n : at;
      const v = line.slice(i, end).replace(/\r?\n$/, '');
      out.push(v === '' ? null : v);
      i = end;
    }
    if (i >= n) return out;
    if (line.startsWith(d, i)) {
      i += d.length;
      if (i >= n) {
        out.push(null);
        return out;
      }
      continue;
    }
    if (line[i] === '\r' || line[i] === '\n') return out;
    throw new SqlEvaluationError('Error deserializing delimited: invalid character after a quoted field');
  }
}

function quote(v: string, d: string): string {
  if (v === '') return '""';
  if (v.includes(d) || v.includes('"') || v.includes('\n') || v.includes('\r') || v[0] === ' ' || v[v.length - 1] === ' ' || v[0] === '#') {
    return '"' + v.replace(/"/g, '""') + '"';
  }
  return v;
}

function reader(t: SqlType): (s: string) => unknown {
  switch (t.base) {
    case 'BOOLEAN':
      return (s) => s.toLowerCase() === 'true';
    case 'INTEGER':
      return (s) => parseJavaInt(s);
    case 'BIGINT':
      return (s) => parseJavaLong(s);
    case 'DOUBLE':
      return (s) => parseJavaDouble(s);
    case 'STRING':
      return (s) => s;
    case 'BYTES':
      return (s) => Buffer.from(s, 'base64');
    case 'DECIMAL':
      return (s) => {
        const p = parseDecimal(s);
        if (p.scale > t.scale) throw new SqlEvaluationError(`Cannot fit decimal '${s}' into DECIMAL(${t.precision}, ${t.scale}) without rounding.`);
        return ensureFits(rescale(p.unscaled, p.scale, t.scale), t);
      };
    case 'TIME':
    case 'TIMESTAMP':
      return (s) => Number(parseJavaLong(s));
    case 'DATE':
      return (s) => parseJavaInt(s);
    default:
      throw new SqlError(`The 'DELIMITED' format does not support type '${t.base}'`);
  }
}

function writer(t: SqlType): (v: unknown) => string {
  switch (t.base) {
    case 'DOUBLE':
      return (v) => javaDoubleToString(v as number);
    case 'DECIMAL':
      return (v) => formatDecimal(v as bigint, t.scale);
    case 'BYTES':
      return (v) => (v as Buffer).toString('base64');
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    default:
      return (v) => String(v);
  }
}

function lineCodec(columns: readonly Column[], delimiter: string) {
  const readers = columns.map((c) => reader(c.type));
  const writers = columns.map((c) => writer(c.type));
  return {
    read(b: Buffer, into: Row, indices: readonly number[]): void {
      const fields = parseLine(b.toString('utf8'), delimiter);
      if (fields.length !== columns.length) {
        throw new SqlEvaluationError(`Column count mismatch on deserialization. expected: ${columns.length}, got: ${fields.length}`);
      }
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        into[indices[i]!] = f === null ? null : readers[i]!(f);
      }
    },
    write(row: Row, indices: readonly number[]): Buffer {
      let out = '';
      for (let i = 0; i < columns.length; i++) {
        const v = row[indices[i]!];
        if (i > 0) out += delimiter;
        if (v !== null && v !== undefined) out += quote(writers[i]!(v), delimiter);
      }
      return Buffer.from(out, 'utf8');
    },
  };
}

export const delimitedFormat: Format = {
  name: 'DELIMITED',
  validate(columns, isKey, properties) {
    refuseTypes('DELIMITED', columns, (t) => t.base === 'ARRAY' || t.base === 'MAP' || t.base === 'STRUCT');
    delimiterOf(isKey ? properties.KEY_DELIMITER : properties.VALUE_DELIMITER, isKey ? 'KEY_DELIMITER' : 'VALUE_DELIMITER');
    if (!isKey && properties.WRAP_SINGLE_VALUE !== undefined) throw new SqlError("'WRAP_SINGLE_VALUE' can not be used with the DELIMITED format");
  },
  keySerde(columns, properties): Serde<unknown> {
    const codec = lineCodec(columns, delimiterOf(properties.KEY_DELIMITER, 'KEY_DELIMITER'));
    const indices = columns.map((_c, i) => i);
    const single = columns.length === 1;
    return {
      name: 'delimited-key',
      serialize: (v) => codec.write(single ? [v] : (v as Row), indices),
      deserialize: (b) => {
        const row: Row = new Array(columns.length);
        codec.read(b, row, indices);
        return single ? row[0] : row;
      },
    };
  },
  valueSerde(layout: ValueLayout, properties): Serde<Row> {
    const codec = lineCodec(layout.columns, delimiterOf(properties.VALUE_DELIMITER));
    const { indices, rowLength } = layout;
    return {
      name: 'delimited',
      serialize: (row) => codec.write(row, indices),
      deserialize: (b) => {
        const row: Row = new Array(rowLength).fill(null);
        codec.read(b, row, indices);
        return row;
      },
    };
  },
};
