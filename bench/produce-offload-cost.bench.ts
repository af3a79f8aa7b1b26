// Where the offload thresholds come from (broker/produce/ordered-validation.ts): for batches of each
// codec and size, the event loop's time to validate one batch itself, beside its time to hand the
// batch to a worker and take the verdict back (copy into the worker's scratch buffer, two messages;
// measured with performance.eventLoopUtilization), and the worker round trip the batch then waits.
// A batch is worth offloading when the first is well above the second. JSON-like records, as in
// bench/produce-offload.bench.ts. Run: npm run bench -- produce-offload-cost
import { performance } from 'node:perf_hooks';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { COMPRESSION_NAMES } from '../src/protocol/records/compression/index.js';
import { explainProduceRecords } from '../src/protocol/records/produce-validation.js';
import { ValidationPool } from '../src/broker/produce/validation-pool.js';
import { silentLogger } from '../src/util/logger.js';
import { report, type BenchRow } from './harness.js';

const CASES: [codec: number, sizes: number[]][] = [
  [1, [8192, 32768, 131072]],
  [4, [8192, 32768, 131072]],
  [3, [8192, 32768, 131072]],
  [0, [65536, 262144, 1048576]],
];
const OPTIONS = { maxMessageBytes: 1 << 24 };

function batchOf(codec: number, targetBytes: number): Buffer {
  const make = (n: number) =>
    buildRecordBatch(
      Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`order-${i}`), value: Buffer.from(JSON.stringify({ id: i, customer: `c-${(i * 7919) % 100_003}`, amount: ((i * 104_729) % 1_000_000) / 100, sku: `sku-${i % 5_003}` })) })),
      { compression: codec },
    );
  const probe = make(200);
  return make(Math.max(1, Math.floor((200 * targetBytes) / probe.length)));
}

const pool = new ValidationPool(1, silentLogger);
const rows: BenchRow[] = [];
const notes: string[] = [];
for (const [codec, sizes] of CASES) {
  for (const size of sizes) {
    const batch = batchOf(codec, size);
    const n = Math.max(30, Math.floor(2e7 / size));
    for (let i = 0; i < 5; i++) explainProduceRecords(batch, OPTIONS);
    let t0 = performance.now();
    for (let i = 0; i < n; i++) explainProduceRecords(batch, OPTIONS);
    const onLoopMs = (performance.now() - t0) / n;
    for (let i = 0; i < 5; i++) await pool.validate(batch, OPTIONS);
    const elu0 = performance.eventLoopUtilization();
    t0 = performance.now();
    for (let i = 0; i < n; i++) await pool.validate(batch, OPTIONS);
    const busyMs = performance.eventLoopUtilization(elu0).active / n;
    const roundTripMs = (performance.now() - t0) / n;
    const label = `${COMPRESSION_NAMES[codec]} ${Math.round(batch.length / 1024)} KiB`;
    rows.push({ name: `${label}: event-loop ms per batch, offloaded`, value: busyMs, unit: 'ms', baseline: { name: 'validated on the loop', value: onLoopMs } });
    notes.push(`${label}: worker round trip ${roundTripMs.toFixed(3)} ms`);
  }
}
await pool.close();
report('produce-offload-cost', rows, notes);
