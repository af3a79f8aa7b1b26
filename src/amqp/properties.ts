// The basic class's content properties (spec 4.2.6.1 and the basic class): a flag word (bit 15 the
// first property, bit 0 "another flag word follows"), then each present property in order.
//
// The server keeps properties as the bytes a publisher sent and hands the same bytes to consumers,
// so every property and header value round-trips exactly. It only reads what it needs:
// scanProperties() validates the list (a malformed one must not reach other clients) and returns
// delivery-mode, expiration and user-id without building the headers table; decodeProperties()
// and encodeProperties() build and write the full structure (dead-lettering rewrites headers).
import { AmqpDecodeError } from './decode-error.js';
import { MAX_DEPTH } from './field-table.js';
import { AmqpReader, AmqpWriter } from './primitives.js';
import { BASIC_PROPERTY_TYPES, basicPropertiesSize, basicPropertyFlags, readBasicProperties, writeBasicProperties, type BasicProperties } from './generated/spec.js';

export type { BasicProperties } from './generated/spec.js';

/** Flag bits the basic class defines (bits 15 down to 2); bit 0 is the continuation bit. */
const DEFINED_FLAGS = ((1 << 16) - 1) ^ ((1 << (16 - BASIC_PROPERTY_TYPES.length)) - 1);

export interface PropertyScan {
  deliveryMode: number | undefined;
  expiration: string | undefined;
  userId: string | undefined;
  replyTo: string | undefined;
  hasHeaders: boolean;
}

function readFlags(r: AmqpReader): number {
  const flags = r.short();
  let more = flags & 1;
  // Continuation words carry no properties the basic class defines.
  while (more) {
    const extra = r.short();
    if ((extra & ~1) !== 0) throw new AmqpDecodeError('bad-value', 'property flags past the basic class properties', r.pos - 2);
    more = extra & 1;
  }
  if ((flags & ~DEFINED_FLAGS & ~1) !== 0) throw new AmqpDecodeError('bad-value', `undefined property flag bits 0x${(flags & ~DEFINED_FLAGS & ~1).toString(16)}`, 0);
  return flags & DEFINED_FLAGS;
}

/** Validates a property list (flags included) and reads what routing and queues need. */
export function scanProperties(raw: Buffer): PropertyScan {
  const r = new AmqpReader(raw);
  const flags = readFlags(r);
  const out: PropertyScan = { deliveryMode: undefined, expiration: undefined, userId: undefined, replyTo: undefined, hasHeaders: false };
  for (let i = 0; i < BASIC_PROPERTY_TYPES.length; i++) {
    if ((flags & (1 << (15 - i))) === 0) continue;
    const p = BASIC_PROPERTY_TYPES[i]!;
    switch (p.type) {
      case 'shortstr': {
        if (p.field === 'expiration') out.expiration = r.shortstr();
        else if (p.field === 'userId') out.userId = r.shortstr();
        else if (p.field === 'replyTo') out.replyTo = r.shortstr();
        else r.bytes(r.octet(), 'shortstr');
        break;
      }
      case 'octet': {
        const v = r.octet();
        if (p.field === 'deliveryMode') out.deliveryMode = v;
        break;
      }
      case 'timestamp':
        r.bytes(8, 'timestamp');
        break;
      case 'table':
        out.hasHeaders = true;
        skipTable(r, 0);
        break;
      default:
        throw new AmqpDecodeError('bad-value', `property type ${p.type}`, r.pos);
    }
  }
  if (r.remaining !== 0) throw new AmqpDecodeError('bad-length', `${r.remaining} bytes after the property list`, r.pos);
  return out;
}

function skipTable(r: AmqpReader, depth: number): void {
  const size = r.long();
  if (size > r.remaining) throw new AmqpDecodeError('bad-length', `table of ${size} bytes, ${r.remaining} left`, r.pos);
  const inner = new AmqpReader(r.buf, r.pos, r.pos + size);
  r.pos += size;
  if (depth >= MAX_DEPTH) throw new AmqpDecodeError('too-large', 'field tables nested too deep', r.pos);
  while (inner.remaining > 0) {
    inner.bytes(inner.octet(), 'field name');
    skipValue(inner, depth);
  }
}

const FIXED_VALUE_SIZE: Record<string, number> = { t: 1, b: 1, B: 1, s: 2, u: 2, I: 4, i: 4, l: 8, L: 8, T: 8, f: 4, d: 8, D: 5, V: 0 };

function skipValue(r: AmqpReader, depth: number): void {
  const at = r.pos;
  const type = String.fromCharCode(r.octet());
  const fixed = FIXED_VALUE_SIZE[type];
  if (fixed !== undefined) {
    r.bytes(fixed, 'field value');
    return;
  }
  switch (type) {
    case 'S':
    case 'x':
      r.longstr();
      return;
    case 'F':
      skipTable(r, depth + 1);
      return;
    case 'A': {
      const size = r.long();
      if (size > r.remaining) throw new AmqpDecodeError('bad-length', `array of ${size} bytes, ${r.remaining} left`, r.pos);
      if (depth + 1 >= MAX_DEPTH) throw new AmqpDecodeError('too-large', 'field arrays nested too deep', r.pos);
      const inner = new AmqpReader(r.buf, r.pos, r.pos + size);
      r.pos += size;
      while (inner.remaining > 0) skipValue(inner, depth + 1);
      return;
    }
    default:
      throw new AmqpDecodeError('bad-value', `unknown field value type 0x${type.charCodeAt(0).toString(16)}`, at);
  }
}

/** The full property structure of a property list (flags included). */
export function decodeProperties(raw: Buffer): BasicProperties {
  const r = new AmqpReader(raw);
  const flags = readFlags(r);
  const p = readBasicProperties(r, flags);
  if (r.remaining !== 0) throw new AmqpDecodeError('bad-length', `${r.remaining} bytes after the property list`, r.pos);
  return p;
}

/** A property list (flag word first) for `p`. */
export function encodeProperties(p: BasicProperties): Buffer {
  const buf = Buffer.allocUnsafe(2 + basicPropertiesSize(p));
  const w = new AmqpWriter(buf);
  w.short(basicPropertyFlags(p));
  writeBasicProperties(w, p);
  return buf;
}

/** The empty property list (flags 0). */
export const NO_PROPERTIES = Buffer.from([0, 0]);
