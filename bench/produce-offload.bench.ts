// Produce validation on worker threads (broker/produce/, docs/performance.md "More than one core"):
// what offloading does to a latency-sensitive producer while another producer sends large batches.
//
// A broker in its own process (bench/latency-broker.ts, which reports its event-loop delay and CPU)
// takes, for a fixed time, ~900 KB record batches (one codec per case, JSON-like records, resent
// as pre-encoded Produce frames so the client spends almost nothing) from 2 connections with 2
// requests in flight each, over 2 partitions; beside them a probe sends one 100 B record at a time,
// acks=1, to another topic and times each round trip. Sides: "event loop" (threads=0, as before)
// and "workers" (threads=-1: one less than the cores; default thresholds, which every batch here
// passes). The sides alternate RUNS times each; figures are
// min/median/max over runs, with the load average at each run.
//   npm run bench -- produce-offload   (BENCH_CODECS=gzip,lz4 picks cases; BENCH_SECONDS=6;
//                                       BENCH_THREADS=2 sets the workers' side's pool size)
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apis } from '../src/protocol/messages/index.js';
import { FrameDecoder } from '../src/protocol/framing.js';
import { decodeResponseHeader, encodeRequestFrame } from '../src/protocol/headers.js';
import { responseHeaderVersion } from '../src/protocol/messages/index.js';
import { ByteReader } from '../src/protocol/primitives/byte-reader.js';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { COMPRESSION_NAMES } from '../src/protocol/records/compression/index.js';
import { percentile, report, type BenchRow } from './harness.js';
import { JsonLineChild } from './json-line-child.js';

const RUNS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CODECS = (process.env.BENCH_CODECS ?? 'gzip,zstd,lz4,none').split(',');
const WORKER_THREADS = process.env.BENCH_THREADS ?? '-1';
const TARGET_BATCH_BYTES = 900_000;
const SENDERS = 2;
const IN_FLIGHT = 2;

interface RunFigures {
  probeP50Ms: number;
  probeP99Ms: number;
  probeMaxMs: number;
  probes: number;
  largeMiBps: number;
  recordsPerSec: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  cpuSecondsPerGiB: number;
  load1: number;
}

/** JSON-like records, so codecs compress them as they would real data (5-10x). */
function largeBatch(codec: number): { batch: Buffer; count: number } {
  const make = (n: number) =>
    buildRecordBatch(
      Array.from({ length: n }, (_, i) => ({
        key: Buffer.from(`order-${i}`),
        value: Buffer.from(JSON.stringify({ id: i, customer: `c-${(i * 7919) % 100_003}`, amount: ((i * 104_729) % 1_000_000) / 100, sku: `sku-${i % 5_003}`, at: 1_700_000_000_000 + i * 37, note: i % 3 === 0 ? 'gift wrap' : 'standard' })),
      })),
      { compression: codec },
    );
  let n = 2000;
  let batch = make(n);
  n = Math.floor((n * TARGET_BATCH_BYTES) / batch.length);
  batch = make(n);
  while (batch.length > TARGET_BATCH_BYTES + 100_000) batch = make((n = Math.floor(n * 0.95)));
  return { batch, count: n };
}

function produceFrame(topic: string, partition: number, records: Buffer, correlationId: number): Buffer {
  return encodeRequestFrame({ apiKey: apis.Produce.apiKey, apiVersion: 9, correlationId, clientId: 'offload-bench' }, apis.Produce.request, {
    transactionalId: null,
    acks: 1,
    timeoutMs: 30_000,
    topicData: [{ name: topic, partitionData: [{ index: partition, records }] }],
  });
}

/** A socket that writes whole frames and hands back each response's first partition error code. */
class RawConnection {
  private readonly decoder = new FrameDecoder({ maxFrameSize: 1 << 26 });
  private readonly waiting: ((errorCode: number) => void)[] = [];
  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      for (let f = this.decoder.next(); f; f = this.decoder.next()) {
        const header = decodeResponseHeader(f, responseHeaderVersion(apis.Produce.apiKey, 9));
        const body = apis.Produce.response.read(new ByteReader(f, header.bodyOffset), 9);
        this.waiting.shift()?.(body.responses[0]?.partitionResponses[0]?.errorCode ?? -1);
      }
    });
  }
  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new RawConnection(s)));
      s.once('error', reject);
    });
  }
  send(frame: Buffer): Promise<number> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.socket.write(frame);
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

async function createTopic(port: number, name: string, partitions: number): Promise<void> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port }, () => resolve(s));
    s.once('error', reject);
  });
  const decoder = new FrameDecoder();
  const done = new Promise<void>((resolve) =>
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      if (decoder.next()) resolve();
    }),
  );
  socket.write(encodeRequestFrame({ apiKey: apis.CreateTopics.apiKey, apiVersion: 7, correlationId: 1, clientId: 'offload-bench' }, apis.CreateTopics.request, { topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false }));
  await done;
  socket.destroy();
}

async function run(codec: number, offload: boolean, large: { batch: Buffer; count: number }): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'brook-offload-bench-'));
  const config: Record<string, string> = { 'brook.produce.validation.threads': offload ? WORKER_THREADS : '0' };
  const script = fileURLToPath(new URL('./latency-broker.js', import.meta.url));
  const { child, ready } = await JsonLineChild.start<{ port: number }>(script, [dataDir, JSON.stringify(config)], { label: 'offload broker' });
  try {
    const { port } = ready;
    await createTopic(port, 'large', 2);
    await createTopic(port, 'probe', 1);
    const load1 = loadavg()[0]!;
    await child.ask('report'); // start the broker's interval here
    const stopAt = Date.now() + SECONDS * 1000;
    let largeAcked = 0;
    let errors = 0;
    const senders = Array.from({ length: SENDERS }, async (_, s) => {
      const conn = await RawConnection.open(port);
      const frame = produceFrame('large', s % 2, large.batch, s + 1);
      const lanes = Array.from({ length: IN_FLIGHT }, async () => {
        while (Date.now() < stopAt) {
          const code = await conn.send(frame);
          if (code === 0) largeAcked++;
          else errors++;
        }
      });
      await Promise.all(lanes);
      conn.close();
    });
    const probeTimes: number[] = [];
    const probe = (async () => {
      const conn = await RawConnection.open(port);
      let i = 0;
      while (Date.now() < stopAt) {
        const frame = produceFrame('probe', 0, buildRecordBatch([{ key: Buffer.from(`p${i}`), value: Buffer.alloc(100, i++ & 0xff) }]), i);
        const t0 = process.hrtime.bigint();
        const code = await conn.send(frame);
        probeTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (code !== 0) errors++;
      }
      conn.close();
    })();
    const started = Date.now();
    await Promise.all([...senders, probe]);
    const elapsed = (Date.now() - started) / 1000;
    const broker = await child.ask<{ eventLoopDelayMs: { p99: number; max: number }; cpuSeconds: number }>('report');
    if (errors > 0) throw new Error(`${errors} produce requests failed`);
    const bytes = largeAcked * large.batch.length;
    return {
      probeP50Ms: percentile(probeTimes, 50),
      probeP99Ms: percentile(probeTimes, 99),
      probeMaxMs: Math.max(...probeTimes),
      probes: probeTimes.length,
      largeMiBps: bytes / (1 << 20) / elapsed,
      recordsPerSec: (largeAcked * large.count) / elapsed,
      eventLoopP99Ms: broker.eventLoopDelayMs.p99,
      eventLoopMaxMs: broker.eventLoopDelayMs.max,
      cpuSecondsPerGiB: broker.cpuSeconds / (bytes / (1 << 30)),
      load1,
    };
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => percentile(xs, 50);
const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}/${median(xs).toFixed(2)}/${Math.max(...xs).toFixed(2)}`;

const rows: BenchRow[] = [];
const notes: string[] = [`${SECONDS} s per run, ${RUNS} runs per side alternating; min/median/max over runs; load = 1-minute load average at each run's start`];
const allRuns: Record<string, { eventLoop: RunFigures[]; workers: RunFigures[] }> = {};
for (const name of CODECS) {
  const codec = COMPRESSION_NAMES.indexOf(name as (typeof COMPRESSION_NAMES)[number]);
  if (codec < 0) throw new Error(`unknown codec ${name}`);
  const large = largeBatch(codec);
  const sides = { eventLoop: [] as RunFigures[], workers: [] as RunFigures[] };
  for (let r = 0; r < RUNS; r++) {
    sides.eventLoop.push(await run(codec, false, large));
    sides.workers.push(await run(codec, true, large));
  }
  allRuns[name] = sides;
  const m = (side: RunFigures[], k: keyof RunFigures) => median(side.map((f) => f[k]));
  const label = `${name} ${Math.round(large.batch.length / 1000)} KB batches (${large.count} records)`;
  rows.push({ name: `${label}: probe p99 with workers`, value: m(sides.workers, 'probeP99Ms'), unit: 'ms', baseline: { name: 'event loop', value: m(sides.eventLoop, 'probeP99Ms') } });
  rows.push({ name: `${label}: probe p50 with workers`, value: m(sides.workers, 'probeP50Ms'), unit: 'ms', baseline: { name: 'event loop', value: m(sides.eventLoop, 'probeP50Ms') } });
  rows.push({ name: `${label}: broker event-loop delay p99 with workers`, value: m(sides.workers, 'eventLoopP99Ms'), unit: 'ms', baseline: { name: 'event loop', value: m(sides.eventLoop, 'eventLoopP99Ms') } });
  rows.push({ name: `${label}: large-batch throughput with workers`, value: m(sides.workers, 'largeMiBps'), unit: 'MiB/s', baseline: { name: 'event loop', value: m(sides.eventLoop, 'largeMiBps') } });
  rows.push({ name: `${label}: broker CPU per GiB with workers`, value: m(sides.workers, 'cpuSecondsPerGiB'), unit: 's', baseline: { name: 'event loop', value: m(sides.eventLoop, 'cpuSecondsPerGiB') } });
  for (const [side, figures] of Object.entries(sides)) {
    const f = (k: keyof RunFigures) => spread(figures.map((x) => x[k]));
    notes.push(`${name} ${side}: probe p50 ${f('probeP50Ms')} ms, p99 ${f('probeP99Ms')} ms, max ${f('probeMaxMs')} ms; event loop p99 ${f('eventLoopP99Ms')} ms, max ${f('eventLoopMaxMs')} ms; large ${f('largeMiBps')} MiB/s, ${f('recordsPerSec')} records/s; CPU ${f('cpuSecondsPerGiB')} s/GiB; load ${f('load1')}`);
  }
}
report('produce-offload', rows, notes, { runs: allRuns });
