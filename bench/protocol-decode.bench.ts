// Decode cost of a ~1 MiB Produce request (v9, flexible: header v2 + body), with the records fields
// left as untouched slices, beside Buffer.copy of the same bytes in the same run. Reported as time per
// request, not as bytes per second: a decoder that copies no record byte does not "move" 1 MiB, so
// MB/s would be a meaningless (huge) figure; what matters is that decoding costs less than touching
// each byte once (ratio < 1).
// Run: npm run bench -- protocol
import { rate, report } from './harness.js';
import { ApiKey, apis } from '../src/protocol/messages/index.js';
import { decodeRequestBody, decodeRequestHeader, encodeRequestFrame } from '../src/protocol/headers.js';

const VERSION = 9;
const PARTITIONS = 16;
const RECORDS_PER_PARTITION = 64 * 1024; // 16 x 64 KiB of (opaque) record batch bytes = 1 MiB

const frame = encodeRequestFrame(
  { apiKey: ApiKey.Produce, apiVersion: VERSION, correlationId: 1, clientId: 'bench-producer' },
  apis.Produce.request,
  {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: 'bench-topic',
        partitionData: Array.from({ length: PARTITIONS }, (_, index) => ({
          index,
          records: Buffer.alloc(RECORDS_PER_PARTITION, index),
        })),
      },
    ],
  },
);
const payload = frame.subarray(4);
const target = Buffer.allocUnsafe(payload.length);

let sink = 0;
const decodeRate = await rate(() => {
  const header = decodeRequestHeader(payload);
  const body = decodeRequestBody(payload, header, apis.Produce.request);
  sink += body.topicData[0]!.partitionData.length;
});
const copyRate = await rate(() => {
  payload.copy(target);
  sink += target[0]!;
});

const us = (perSecond: number): number => 1e6 / perSecond;
report(
  'protocol-decode',
  [
    {
      name: `decode Produce v${VERSION} request of ${(payload.length / 1048576).toFixed(2)} MiB, µs per request (lower is better)`,
      value: us(decodeRate),
      unit: 'µs',
      baseline: { name: 'Buffer.copy of its bytes', value: us(copyRate) },
    },
    { name: 'decode Produce request', value: decodeRate, unit: 'req/s' },
  ],
  [
    'records fields are zero-copy slices, so decode cost is per field, not per byte',
    `sink ${sink > 0 ? 'ok' : 'empty'}`,
  ],
);
