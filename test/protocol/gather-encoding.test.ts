// The gather (writev) encoding of responses: the same bytes as the copying encoder, with records
// content handed on as the caller's own Buffers and everything else in one allocation; a frame of at
// most GATHER_MIN_BYTES as one Buffer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apis } from '../../src/protocol/messages/index.js';
import type { FetchResponse } from '../../src/protocol/messages/fetch.js';
import { GATHER_MIN_BYTES, encodeResponseFrame, encodeResponseFrameGather } from '../../src/protocol/headers.js';
import type { RecordsInput } from '../../src/protocol/primitives/byte-writer.js';
import type { MessageInput } from '../../src/protocol/primitives/codec.js';

const fetch = apis.Fetch;

// Mostly small chunks, sometimes one large enough to push the frame past GATHER_MIN_BYTES.
const chunkArb = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.integer({ min: GATHER_MIN_BYTES / 2, max: GATHER_MIN_BYTES + 100 }).map((n) => Buffer.alloc(n, n & 0xff)) },
);
const recordsArb: fc.Arbitrary<RecordsInput | null> = fc.oneof(
  fc.constant(null),
  chunkArb,
  fc.array(chunkArb, { maxLength: 4 }),
);
const partitionArb = fc.record({
  partitionIndex: fc.nat({ max: 1000 }),
  errorCode: fc.constantFrom(0, 1, 6),
  highWatermark: fc.bigInt({ min: 0n, max: 1n << 40n }),
  lastStableOffset: fc.bigInt({ min: -1n, max: 1n << 40n }),
  abortedTransactions: fc.constant([]),
  records: recordsArb,
});
const fetchResponseArb = fc.record({
  version: fc.integer({ min: fetch.minVersion, max: fetch.maxVersion }),
  correlationId: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  body: fc.record({
    throttleTimeMs: fc.nat({ max: 1000 }),
    sessionId: fc.nat(),
    responses: fc.array(
      fc.record({
        topic: fc.string({ maxLength: 12 }),
        topicId: fc.constant('AAAAAAAAAAAAAAAAAAAAAQ'),
        partitions: fc.array(partitionArb, { maxLength: 4 }),
      }),
      { maxLength: 3 },
    ),
  }),
});

/** The records chunks of a body in field order, empty ones left out. */
function givenChunks(body: MessageInput<FetchResponse>): Buffer[] {
  const out: Buffer[] = [];
  for (const t of body.responses ?? []) {
    for (const p of t.partitions ?? []) {
      const r = p.records;
      if (r === null || r === undefined) continue;
      for (const c of Array.isArray(r) ? (r as readonly Buffer[]) : [r as Buffer]) if (c.length > 0) out.push(c);
    }
  }
  return out;
}

test('gather output concatenates to the copying encoding; records chunks are the given Buffers', () => {
  fc.assert(
    fc.property(fetchResponseArb, ({ version, correlationId, body }) => {
      const copied = encodeResponseFrame(fetch.apiKey, version, correlationId, fetch.response, body);
      const gathered = encodeResponseFrameGather(fetch.apiKey, version, correlationId, fetch.response, body);
      assert.deepEqual(Buffer.concat(gathered), copied);
      const given = givenChunks(body);
      if (copied.length <= GATHER_MIN_BYTES || given.length === 0) {
        assert.equal(gathered.length, 1, 'a small frame (or one without records) is one Buffer');
        return;
      }

      const givenSet = new Set(given);
      // Every given chunk appears, as the same object, in order; nothing else is a given chunk.
      assert.deepEqual(
        gathered.filter((b) => givenSet.has(b)),
        given,
      );
      // The other pieces are consecutive slices of one allocation (no copies of records among them).
      const own = gathered.filter((b) => !givenSet.has(b));
      assert.ok(own.length >= 1);
      const backing = own[0]!.buffer;
      let end = own[0]!.byteOffset;
      for (const b of own) {
        assert.equal(b.buffer, backing);
        assert.equal(b.byteOffset, end);
        end += b.length;
      }
      assert.equal(end - own[0]!.byteOffset, copied.length - given.reduce((n, c) => n + c.length, 0));
    }),
    { numRuns: 300 },
  );
});

test('a chunk list and its concatenation encode identically through the copying encoder', () => {
  const a = Buffer.from('first batch ');
  const b = Buffer.from('second batch');
  const body = (records: RecordsInput): MessageInput<FetchResponse> => ({
    responses: [{ topic: 't', partitions: [{ partitionIndex: 0, records }] }],
  });
  for (const v of [4, 12, fetch.maxVersion]) {
    assert.deepEqual(
      encodeResponseFrame(fetch.apiKey, v, 7, fetch.response, body([a, b])),
      encodeResponseFrame(fetch.apiKey, v, 7, fetch.response, body(Buffer.concat([a, b]))),
    );
  }
});

test('a size pass that throws does not skew the next gather allocation', () => {
  // The second partition is not an object: sizing fails after the first one's records were counted.
  const bad = {
    responses: [{ topic: 't', partitions: [{ records: Buffer.alloc(64) }, null] }],
  } as unknown as MessageInput<FetchResponse>;
  assert.throws(() => encodeResponseFrameGather(fetch.apiKey, 4, 1, fetch.response, bad));
  const records = Buffer.alloc(GATHER_MIN_BYTES + 1, 1);
  const good: MessageInput<FetchResponse> = { responses: [{ topic: 't', partitions: [{ records }] }] };
  const chunks = encodeResponseFrameGather(fetch.apiKey, 4, 1, fetch.response, good);
  assert.deepEqual(Buffer.concat(chunks), encodeResponseFrame(fetch.apiKey, 4, 1, fetch.response, good));
  assert.ok(chunks.includes(records));
});
