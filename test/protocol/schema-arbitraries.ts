// Builds fast-check arbitraries for any generated message at one version, by walking the schema
// description the generator emits. Fields absent in that version take their default, computed
// here independently of the generator (so the test checks the generator's defaults too).
import fc from 'fast-check';
import type { MessageSchema, SchemaField } from './message-schema.js';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
type Value = unknown;

const inRange = (r: [number, number] | null, v: number): boolean => r !== null && v >= r[0] && v <= r[1];

export function defaultOf(f: SchemaField): Value {
  const d = f.default;
  if (f.type.startsWith('[]')) return d === 'null' ? null : [];
  switch (f.type) {
    case 'bool':
      return d === 'true';
    case 'int64':
      return BigInt(d ?? 0);
    case 'string':
      return d === 'null' ? null : (d ?? '');
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return d === 'null' ? null : Buffer.alloc(0);
    case 'records':
      return f.nullable !== null ? null : Buffer.alloc(0);
    case 'struct':
      return d === 'null' ? null : structDefault(f.fields ?? []);
    default:
      return d === undefined ? 0 : Number(d);
  }
}

function structDefault(fields: SchemaField[]): Record<string, Value> {
  return Object.fromEntries(fields.map((f) => [f.name, defaultOf(f)]));
}

const bytesArb = fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a));
const uuidArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((a) => Buffer.from(a).toString('base64url'));
const stringArb = fc.string({ maxLength: 8, unit: 'grapheme' });

function primitive(type: string): fc.Arbitrary<Value> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return fc.integer({ min: -128, max: 127 });
    case 'int16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'uint16':
      return fc.integer({ min: 0, max: 65535 });
    case 'int32':
      return fc.integer();
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double();
    case 'uuid':
      return uuidArb;
    case 'string':
      return stringArb;
    case 'bytes':
    case 'records':
      return bytesArb;
    default:
      throw new Error(`no arbitrary for ${type}`);
  }
}

function fieldArb(f: SchemaField, v: number, depth: number): fc.Arbitrary<Value> {
  if (!inRange(f.versions, v)) return fc.constant(defaultOf(f));
  let arb: fc.Arbitrary<Value>;
  if (f.type === 'struct') arb = structArb(f.fields ?? [], v, depth + 1);
  else if (f.type === '[]struct') {
    arb = fc.array(structArb(f.fields ?? [], v, depth + 1), { maxLength: depth < 2 ? 2 : 1 });
  } else if (f.type.startsWith('[]')) arb = fc.array(primitive(f.type.slice(2)), { maxLength: 3 });
  else arb = primitive(f.type);
  return inRange(f.nullable, v) ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

export function structArb(fields: SchemaField[], v: number, depth = 0): fc.Arbitrary<Record<string, Value>> {
  const model: Record<string, fc.Arbitrary<Value>> = {};
  for (const f of fields) model[f.name] = fieldArb(f, v, depth);
  return fc.record(model).map((o) => ({ ...o })); // plain prototype, as decoders build
}

export function messageArb(schema: MessageSchema, version: number): fc.Arbitrary<Record<string, Value>> {
  return structArb(schema.fields, version);
}

/** Every (schema, version) pair. */
export function* everyVersion(schemas: MessageSchema[]): Generator<[MessageSchema, number]> {
  for (const s of schemas) for (let v = s.minVersion; v <= s.maxVersion; v++) yield [s, v];
}
