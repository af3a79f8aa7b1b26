// AMQP decoders under hostile input: random bytes and mutated valid encodings must decode or throw
// AmqpDecodeError -- never another error, never a read past the input, never a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AmqpDecodeError, FrameParser, decodeContentHeader, decodeMethodPayload, decodeProperties, decodeTable, encodeMethodFrame, scanProperties } from '../../src/amqp/index.js';

function onlyDecodeErrors(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof AmqpDecodeError)) assert.fail(`${what}: threw ${String(e)}`);
  }
}

const decoders: [string, (b: Buffer) => unknown][] = [
  ['method', decodeMethodPayload],
  ['table', decodeTable],
  ['properties', decodeProperties],
  ['scan', scanProperties],
  ['content header', decodeContentHeader],
  [
    'frames',
    (b) => {
      const p = new FrameParser(4096);
      p.push(b);
      while (p.next());
    },
  ],
];

test('random bytes: every AMQP decoder', () => {
  for (const [what, fn] of decoders) {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (a) => onlyDecodeErrors(() => fn(Buffer.from(a)), what)),
      { numRuns: 2000 },
    );
  }
});

test('mutated method frames: decode or AmqpDecodeError', () => {
  const seeds = [
    encodeMethodFrame(1, { method: 'queue.declare', ticket: 0, queue: 'q', passive: false, durable: true, exclusive: false, autoDelete: false, nowait: false, arguments: [['x-message-ttl', { type: 'I', value: 5 }], ['x', { type: 'A', value: [{ type: 'S', value: Buffer.from('a') }] }]] }),
    encodeMethodFrame(1, { method: 'basic.publish', ticket: 0, exchange: 'ex', routingKey: 'rk', mandatory: true, immediate: false }),
    encodeMethodFrame(0, { method: 'connection.start-ok', clientProperties: [['capabilities', { type: 'F', value: [['publisher_confirms', { type: 't', value: true }]] }]], mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' }),
  ].map((f) => f.subarray(7, -1));
  const arb = fc.record({ seed: fc.integer({ min: 0, max: seeds.length - 1 }), flips: fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 4 }), cut: fc.option(fc.nat()) });
  fc.assert(
    fc.property(arb, ({ seed, flips, cut }) => {
      const b = Buffer.from(seeds[seed]!);
      for (const f of flips) b[f.at % b.length] = f.byte;
      const input = cut === null ? b : b.subarray(0, cut % (b.length + 1));
      onlyDecodeErrors(() => decodeMethodPayload(input), 'mutated method');
    }),
    { numRuns: 3000 },
  );
});

test('a frame over frame_max and a bad frame end are frame errors', () => {
  const p = new FrameParser(4096);
  const big = Buffer.alloc(8 + 5000);
  big[0] = 3;
  big.writeUInt32BE(5000, 3);
  p.push(big);
  assert.throws(() => p.next(), (e: unknown) => e instanceof AmqpDecodeError && e.kind === 'too-large');
  const q = new FrameParser(4096);
  const bad = encodeMethodFrame(1, { method: 'basic.ack', deliveryTag: 1, multiple: false });
  bad[bad.length - 1] = 0;
  q.push(bad);
  assert.throws(() => q.next(), (e: unknown) => e instanceof AmqpDecodeError && e.kind === 'bad-length');
});

test('deeply nested tables are refused, not a stack overflow', () => {
  // 10,000 nested 'F' tables, each declaring the rest as its body.
  const depth = 10_000;
  const parts: Buffer[] = [];
  let inner = Buffer.alloc(0);
  for (let i = 0; i < depth; i++) {
    const t = Buffer.alloc(4 + 2 + 1 + inner.length);
    t.writeUInt32BE(2 + 1 + inner.length, 0);
    t[4] = 1;
    t[5] = 'a'.charCodeAt(0);
    t[6] = 'F'.charCodeAt(0);
    inner.copy(t, 7);
    inner = t.subarray(0, 7 + inner.length);
    // the innermost 'F' needs a table: give it an empty one
    if (i === 0) inner = Buffer.concat([inner, Buffer.from([0, 0, 0, 0])]);
    if (i === 0) inner.writeUInt32BE(inner.length - 4, 0);
  }
  parts.push(inner);
  assert.throws(() => decodeTable(inner), (e: unknown) => e instanceof AmqpDecodeError);
});
