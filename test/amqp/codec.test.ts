// The AMQP codec: field tables of every type round-trip exactly (property test), methods encode and
// decode back for every method of the specification, property lists survive scan/decode/encode, and
// the frame parser cuts frames out of arbitrary chunkings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  FrameParser,
  METHOD_INFO,
  decodeMethodPayload,
  decodeProperties,
  decodeTable,
  encodeMethodFrame,
  encodeProperties,
  encodeTable,
  scanProperties,
  type AmqpMethod,
  type BasicProperties,
  type FieldTable,
  type FieldValue,
} from '../../src/amqp/index.js';

const shortstr = fc.string({ maxLength: 40 }).filter((s) => Buffer.byteLength(s) <= 255);
const longstr = fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a));

const valueArb: fc.Arbitrary<FieldValue> = fc.letrec<{ value: FieldValue; table: FieldTable }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.boolean().map((value) => ({ type: 't' as const, value })),
    fc.integer({ min: -128, max: 127 }).map((value) => ({ type: 'b' as const, value })),
    fc.integer({ min: 0, max: 255 }).map((value) => ({ type: 'B' as const, value })),
    fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: 's' as const, value })),
    fc.integer({ min: 0, max: 65535 }).map((value) => ({ type: 'u' as const, value })),
    fc.integer().map((value) => ({ type: 'I' as const, value })),
    fc.integer({ min: 0, max: 0xffffffff }).map((value) => ({ type: 'i' as const, value })),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: 'l' as const, value })),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ type: 'L' as const, value })),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((value) => ({ type: 'T' as const, value })),
    fc.float({ noNaN: true }).map((value) => ({ type: 'f' as const, value })),
    fc.double({ noNaN: true }).map((value) => ({ type: 'd' as const, value })),
    fc.record({ scale: fc.integer({ min: 0, max: 255 }), value: fc.integer({ min: 0, max: 0xffffffff }) }).map((d) => ({ type: 'D' as const, ...d })),
    longstr.map((value) => ({ type: 'S' as const, value })),
    longstr.map((value) => ({ type: 'x' as const, value })),
    fc.constant({ type: 'V' as const }),
    fc.array(tie('value'), { maxLength: 4 }).map((value) => ({ type: 'A' as const, value })),
    tie('table').map((value) => ({ type: 'F' as const, value })),
  ),
  table: fc.array(fc.tuple(shortstr, tie('value')), { maxLength: 5 }),
})).value;
const tableArb = fc.array(fc.tuple(shortstr, valueArb), { maxLength: 6 });

test('field tables of every type round-trip exactly', () => {
  fc.assert(
    fc.property(tableArb, (t) => {
      const bytes = encodeTable(t);
      const back = decodeTable(bytes);
      assert.deepEqual(back, t);
      assert.ok(encodeTable(back).equals(bytes));
    }),
    { numRuns: 300 },
  );
});

test('a NaN double keeps its bits', () => {
  const nan = Buffer.from([0, 0, 0, 11, 1, 'n'.charCodeAt(0), 'd'.charCodeAt(0), 0x7f, 0xf8, 0, 0, 0, 0, 0, 1]);
  assert.ok(encodeTable(decodeTable(nan)).equals(nan));
});

const propsArb: fc.Arbitrary<BasicProperties> = fc.record(
  {
    contentType: shortstr,
    contentEncoding: shortstr,
    headers: tableArb,
    deliveryMode: fc.integer({ min: 0, max: 255 }),
    priority: fc.integer({ min: 0, max: 255 }),
    correlationId: shortstr,
    replyTo: shortstr,
    expiration: shortstr,
    messageId: shortstr,
    timestamp: fc.integer({ min: 0, max: 2 ** 40 }),
    type: shortstr,
    userId: shortstr,
    appId: shortstr,
    clusterId: shortstr,
  },
  { requiredKeys: [] },
);

test('all 14 basic properties round-trip, and scanProperties agrees with decodeProperties', () => {
  fc.assert(
    fc.property(propsArb, (p) => {
      const raw = encodeProperties(p);
      const back = decodeProperties(raw);
      assert.deepEqual(back, { ...p });
      const scan = scanProperties(raw);
      assert.equal(scan.deliveryMode, p.deliveryMode);
      assert.equal(scan.expiration, p.expiration);
      assert.equal(scan.userId, p.userId);
      assert.equal(scan.hasHeaders, p.headers !== undefined);
    }),
    { numRuns: 300 },
  );
});

function sampleMethod(name: keyof typeof METHOD_INFO, seed: number): AmqpMethod {
  // Every field set from its type (numbers, strings, buffers, booleans, tables): the field list
  // comes from decoding an all-zero payload, then each field gets a value of its type.
  const info = METHOD_INFO[name];
  // Build from the decoder: encode an all-zero payload long enough, decode it, then vary values.
  const zero = Buffer.alloc(4096);
  zero.writeUInt16BE(info.classId, 0);
  zero.writeUInt16BE(info.methodId, 2);
  const base = decodeMethodPayload(zero) as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let k = seed;
  for (const [field, v] of Object.entries(base)) {
    k = (k * 1103515245 + 12345) % 2 ** 31;
    if (field === 'method') out[field] = v;
    else if (typeof v === 'number') out[field] = k % 256;
    else if (typeof v === 'boolean') out[field] = k % 2 === 0;
    else if (typeof v === 'string') out[field] = `s${k % 1000}`;
    else if (Buffer.isBuffer(v)) out[field] = Buffer.from(`b${k}`);
    else out[field] = [['k', { type: 'I', value: k % 1000 }]] as FieldTable;
  }
  return out as unknown as AmqpMethod;
}

test('every method of the specification encodes and decodes back', () => {
  for (const name of Object.keys(METHOD_INFO) as (keyof typeof METHOD_INFO)[]) {
    for (const seed of [1, 2, 3]) {
      const m = sampleMethod(name, seed);
      const frame = encodeMethodFrame(7, m);
      const parser = new FrameParser(0);
      parser.push(frame);
      const f = parser.next()!;
      assert.equal(f.channel, 7);
      assert.deepEqual(decodeMethodPayload(f.payload), m, name);
    }
  }
});

test('bit fields pack into one octet (basic.nack: multiple, requeue)', () => {
  const frame = encodeMethodFrame(1, { method: 'basic.nack', deliveryTag: 5, multiple: true, requeue: true });
  // 7 header + 4 ids + 8 tag + 1 bits + 1 end
  assert.equal(frame.length, 21);
  assert.equal(frame[19], 0b11);
});

test('the frame parser cuts frames out of any chunking', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }), (cuts) => {
      const frames = [1, 2, 3].map((i) => encodeMethodFrame(i, { method: 'basic.ack', deliveryTag: i, multiple: false }));
      const all = Buffer.concat(frames);
      const parser = new FrameParser(4096);
      const got: number[] = [];
      let at = 0;
      for (const c of [...cuts, all.length]) {
        parser.push(all.subarray(at, Math.min(all.length, at + c)));
        at = Math.min(all.length, at + c);
        for (let f = parser.next(); f; f = parser.next()) got.push(f.channel);
        if (at >= all.length) break;
      }
      assert.deepEqual(got, [1, 2, 3]);
    }),
  );
});
