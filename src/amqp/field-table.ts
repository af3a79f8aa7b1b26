// AMQP field tables and arrays with every value type RabbitMQ reads and writes (its errata to the
// 0-9-1 specification, rabbit_binary_parser / rabbit_binary_generator):
//
//   t boolean (octet 0/1)   b int8    B uint8    s int16   u uint16   I int32   i uint32
//   l int64   L uint64      f float32 d float64  D decimal (scale octet + uint32)
//   S longstr x byte array (long length + bytes)   T timestamp (uint64 seconds)
//   A array (long byte length, then values)        F table (long byte length, then entries)
//   V void (no value)
//
// A table is a long byte length, then entries of shortstr name, type octet, value. It is kept as
// an ordered list of [name, value] pairs so that decode(encode(t)) and encode(decode(b)) are exact
// (order and duplicate names preserved). 64-bit integers are bigints, so nothing is rounded.
// Nesting is capped (MAX_DEPTH) so a hostile table cannot exhaust the stack.
import { AmqpDecodeError } from './decode-error.js';
import { AmqpReader, AmqpWriter } from './primitives.js';

export type FieldValue =
  | { type: 't'; value: boolean }
  | { type: 'b' | 'B' | 's' | 'u' | 'I' | 'i' | 'f' | 'd'; value: number }
  | { type: 'l' | 'L' | 'T'; value: bigint }
  | { type: 'D'; scale: number; value: number }
  | { type: 'S' | 'x'; value: Buffer }
  | { type: 'A'; value: FieldValue[] }
  | { type: 'F'; value: FieldTable }
  | { type: 'V' };

export type FieldTable = [string, FieldValue][];

export const MAX_DEPTH = 64;

export function readTable(r: AmqpReader, depth = 0): FieldTable {
  const size = r.long();
  if (size > r.remaining) throw new AmqpDecodeError('bad-length', `table of ${size} bytes, ${r.remaining} left`, r.pos);
  const inner = new AmqpReader(r.buf, r.pos, r.pos + size);
  r.pos += size;
  return readEntries(inner, depth);
}

function readEntries(r: AmqpReader, depth: number): FieldTable {
  if (depth >= MAX_DEPTH) throw new AmqpDecodeError('too-large', `field tables nested deeper than ${MAX_DEPTH}`, r.pos);
  const out: FieldTable = [];
  while (r.remaining > 0) {
    const name = r.shortstr();
    out.push([name, readValue(r, depth)]);
  }
  return out;
}

export function readValue(r: AmqpReader, depth: number): FieldValue {
  const at = r.pos;
  const type = String.fromCharCode(r.octet());
  switch (type) {
    case 't':
      return { type, value: r.octet() !== 0 };
    case 'b':
      return { type, value: r.bytes(1, 'int8').readInt8(0) };
    case 'B':
      return { type, value: r.octet() };
    case 's':
      return { type, value: r.bytes(2, 'int16').readInt16BE(0) };
    case 'u':
      return { type, value: r.short() };
    case 'I':
      return { type, value: r.bytes(4, 'int32').readInt32BE(0) };
    case 'i':
      return { type, value: r.long() };
    case 'l':
      return { type, value: r.bytes(8, 'int64').readBigInt64BE(0) };
    case 'L':
    case 'T':
      return { type, value: r.bytes(8, 'uint64').readBigUInt64BE(0) };
    case 'f':
      return { type, value: r.bytes(4, 'float').readFloatBE(0) };
    case 'd':
      return { type, value: r.bytes(8, 'double').readDoubleBE(0) };
    case 'D': {
      const scale = r.octet();
      return { type, scale, value: r.long() };
    }
    case 'S':
    case 'x':
      return { type, value: r.longstr() };
    case 'A': {
      const size = r.long();
      if (size > r.remaining) throw new AmqpDecodeError('bad-length', `array of ${size} bytes, ${r.remaining} left`, r.pos);
      if (depth + 1 >= MAX_DEPTH) throw new AmqpDecodeError('too-large', `field arrays nested deeper than ${MAX_DEPTH}`, r.pos);
      const inner = new AmqpReader(r.buf, r.pos, r.pos + size);
      r.pos += size;
      const values: FieldValue[] = [];
      while (inner.remaining > 0) values.push(readValue(inner, depth + 1));
      return { type, value: values };
    }
    case 'F':
      return { type, value: readTable(r, depth + 1) };
    case 'V':
      return { type };
    default:
      throw new AmqpDecodeError('bad-value', `unknown field value type 0x${type.charCodeAt(0).toString(16)}`, at);
  }
}

export function tableSize(t: FieldTable): number {
  let n = 4;
  for (const [name, v] of t) n += 1 + Buffer.byteLength(name, 'utf8') + valueSize(v);
  return n;
}

export function valueSize(v: FieldValue): number {
  switch (v.type) {
    case 't':
    case 'b':
    case 'B':
      return 2;
    case 's':
    case 'u':
      return 3;
    case 'I':
    case 'i':
    case 'f':
      return 5;
    case 'l':
    case 'L':
    case 'T':
    case 'd':
      return 9;
    case 'D':
      return 6;
    case 'S':
    case 'x':
      return 5 + v.value.length;
    case 'A': {
      let n = 5;
      for (const e of v.value) n += valueSize(e);
      return n;
    }
    case 'F':
      return 1 + tableSize(v.value);
    case 'V':
      return 1;
  }
}

export function writeTable(w: AmqpWriter, t: FieldTable): void {
  const sizeAt = w.pos;
  w.long(0);
  for (const [name, v] of t) {
    w.shortstr(name);
    writeValue(w, v);
  }
  w.buf.writeUInt32BE(w.pos - sizeAt - 4, sizeAt);
}

export function writeValue(w: AmqpWriter, v: FieldValue): void {
  w.octet(v.type.charCodeAt(0));
  const b = w.buf;
  switch (v.type) {
    case 't':
      w.octet(v.value ? 1 : 0);
      return;
    case 'b':
      b.writeInt8(v.value, w.pos);
      w.pos += 1;
      return;
    case 'B':
      w.octet(v.value);
      return;
    case 's':
      b.writeInt16BE(v.value, w.pos);
      w.pos += 2;
      return;
    case 'u':
      w.short(v.value);
      return;
    case 'I':
      b.writeInt32BE(v.value, w.pos);
      w.pos += 4;
      return;
    case 'i':
      w.long(v.value);
      return;
    case 'l':
      b.writeBigInt64BE(v.value, w.pos);
      w.pos += 8;
      return;
    case 'L':
    case 'T':
      b.writeBigUInt64BE(v.value, w.pos);
      w.pos += 8;
      return;
    case 'f':
      b.writeFloatBE(v.value, w.pos);
      w.pos += 4;
      return;
    case 'd':
      b.writeDoubleBE(v.value, w.pos);
      w.pos += 8;
      return;
    case 'D':
      w.octet(v.scale);
      w.long(v.value);
      return;
    case 'S':
    case 'x':
      w.longstr(v.value);
      return;
    case 'A': {
      const sizeAt = w.pos;
      w.long(0);
      for (const e of v.value) writeValue(w, e);
      b.writeUInt32BE(w.pos - sizeAt - 4, sizeAt);
      return;
    }
    case 'F':
      writeTable(w, v.value);
      return;
    case 'V':
      return;
  }
}

export function encodeTable(t: FieldTable): Buffer {
  const buf = Buffer.allocUnsafe(tableSize(t));
  writeTable(new AmqpWriter(buf), t);
  return buf;
}

export function decodeTable(buf: Buffer): FieldTable {
  const r = new AmqpReader(buf);
  const t = readTable(r);
  if (r.remaining !== 0) throw new AmqpDecodeError('bad-length', `${r.remaining} bytes after the table`, r.pos);
  return t;
}

// ---- Reading values the way the server needs them (declare arguments, headers matching) ----

/** The last entry named `name` (RabbitMQ's rabbit_misc:table_lookup takes the first; duplicates are rare). */
export function tableGet(t: FieldTable | null | undefined, name: string): FieldValue | undefined {
  if (!t) return undefined;
  for (const [k, v] of t) if (k === name) return v;
  return undefined;
}

/** A numeric value of any integer or float type, else undefined. */
export function fieldNumber(v: FieldValue | undefined): number | undefined {
  if (!v) return undefined;
  switch (v.type) {
    case 'b':
    case 'B':
    case 's':
    case 'u':
    case 'I':
    case 'i':
    case 'f':
    case 'd':
      return v.value;
    case 'l':
    case 'L':
    case 'T':
      return Number(v.value);
    default:
      return undefined;
  }
}

/** An integer value (RabbitMQ accepts only integer types for x-message-ttl and friends). */
export function fieldInteger(v: FieldValue | undefined): number | undefined {
  if (!v) return undefined;
  if (v.type === 'f' || v.type === 'd') return undefined;
  return fieldNumber(v);
}

/** A string value (longstr or byte array as UTF-8), else undefined. */
export function fieldString(v: FieldValue | undefined): string | undefined {
  if (!v) return undefined;
  if (v.type === 'S' || v.type === 'x') return v.value.toString('utf8');
  return undefined;
}

export function longstrValue(s: string): FieldValue {
  return { type: 'S', value: Buffer.from(s, 'utf8') };
}

/** Value equality as the headers exchange compares values (type and value; strings byte-wise). */
export function fieldEquals(a: FieldValue, b: FieldValue): boolean {
  if (a.type !== b.type) {
    // Integers of different widths compare by value, as Erlang terms do in RabbitMQ.
    const x = fieldInteger(a);
    const y = fieldInteger(b);
    return x !== undefined && y !== undefined && x === y;
  }
  switch (a.type) {
    case 'S':
    case 'x':
      return a.value.equals((b as typeof a).value);
    case 'D':
      return a.scale === (b as typeof a).scale && a.value === (b as typeof a).value;
    case 'V':
      return true;
    case 'A':
    case 'F':
      return tableSize([['', a]]) === tableSize([['', b]]) && encodeTable([['', a]]).equals(encodeTable([['', b]]));
    default:
      return a.value === (b as typeof a).value;
  }
}
