// Produce-path record validation per record: the single-pass check (record-check.ts) beside the full
// scanner (record-reader.ts scanRecords) and beside the batch's CRC-32C, on the same batch in the
// same run. A batch of 1000 records of 100 B values with 8 B keys, as a Kafka producer sends them.
// Run: npm run bench -- record-check
import { rate, report } from './harness.js';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { RECORDS_OFFSET, batchCrcIsValid } from '../src/protocol/records/batch-header.js';
import { recordsAreWellFormed } from '../src/protocol/records/record-check.js';
import { scanRecords } from '../src/protocol/records/record-reader.js';
import type { RecordInput } from '../src/protocol/records/record.js';

const COUNT = 1000;
const records: RecordInput[] = Array.from({ length: COUNT }, (_, i) => ({
  key: Buffer.from(String(i).padStart(8, '0')),
  value: Buffer.alloc(100, i & 0xff),
}));
const batch = buildRecordBatch(records);
const payload = batch.subarray(RECORDS_OFFSET);

let sink = 0;
if (!recordsAreWellFormed(payload, COUNT, true)) throw new Error('the fast check refused a well-formed batch');
const fastRate = await rate(() => {
  if (recordsAreWellFormed(payload, COUNT, false)) sink++;
});
const fullRate = await rate(() => {
  scanRecords(payload, COUNT, COUNT - 1, (scan, index) => {
    if (scan.offsetDelta !== index) sink--;
  });
});
const crcRate = await rate(() => {
  if (batchCrcIsValid(batch)) sink++;
});
const ns = (perBatch: number) => 1e9 / perBatch / COUNT;

report(
  'record-check',
  [
    { name: 'single-pass check, ns per 100 B record', value: ns(fastRate), unit: 'ns', baseline: { name: 'full scanner', value: ns(fullRate) } },
    { name: 'single-pass check, ns per 100 B record (vs CRC-32C of the batch)', value: ns(fastRate), unit: 'ns', baseline: { name: 'CRC-32C per record', value: ns(crcRate) } },
  ],
  [`${COUNT} records per batch, ${batch.length} B batch; lower is better (ratio < 1 = cheaper than the baseline)`, `sink ${sink !== 0 ? 'ok' : 'empty'}`],
);
