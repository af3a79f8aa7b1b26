// What hostile but well-formed clients cost the broker in resident memory (docs/limits.md), measured on
// a broker in its own process (RSS read from /proc/<pid>/status):
//   - one and then four clients that pipeline 600 Fetches of 1 MiB of stored data each and never read;
//   - RSS after they disconnect (the budgets are released on close);
//   - CreateTopics for 100,000,000 partitions: answered, and an all-topics Metadata after it.
// With BROOK_BOUNDS_BASELINE=<another checkout's dist dir> the same fetch scenario runs against that
// build too, in the same run, for a same-run ratio (the CreateTopics case only runs on this build: on
// an unbounded broker it grows without limit).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { apis } from '../src/protocol/messages/index.js';
import { decodeResponseHeader, encodeRequestFrame } from '../src/protocol/headers.js';
import { responseHeaderVersion } from '../src/protocol/messages/index.js';
import { decodeMessage, type ApiDefinition, type MessageInput } from '../src/protocol/primitives/codec.js';
import { buildRecordBatch } from '../src/protocol/records/batch-builder.js';
import { report, type BenchRow } from './harness.js';

const MiB = 1 << 20;
const root = mkdtempSync(join(tmpdir(), 'brook-bounds-bench-'));
/** This build's dist directory (this file is dist/bench/bounds.bench.js). */
const thisDist = fileURLToPath(new URL('..', import.meta.url));

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

function startBroker(dist: string, name: string): Promise<{ child: ChildProcess; port: number }> {
  const brokerModule = join(dist, 'src', 'broker', 'broker.js');
  const code = `
    const { Broker } = await import(${JSON.stringify(brokerModule)});
    const { silentLogger } = await import(${JSON.stringify(join(dist, 'src', 'util', 'logger.js'))});
    const b = await Broker.start({ dataDir: ${JSON.stringify(join(root, name))}, host: '127.0.0.1', port: 0, logger: silentLogger });
    console.log(JSON.stringify({ port: b.port }));
    process.stdin.on('end', async () => { await b.close(); process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve({ child, port: (JSON.parse(line) as { port: number }).port }));
    child.once('exit', (c) => reject(new Error(`broker exited ${c}`)));
  });
}

class Wire {
  private buffered = Buffer.alloc(0);
  private waiting: ((f: Buffer) => void)[] = [];
  private id = 1;
  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.waiting.shift()?.(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
    });
  }
  static open(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new Wire(s)));
      s.once('error', reject);
    });
  }
  async request<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: MessageInput<Req>): Promise<Res> {
    const correlationId = this.id++;
    const frame = new Promise<Buffer>((r) => this.waiting.push(r));
    this.socket.write(encodeRequestFrame({ apiKey: api.apiKey, apiVersion: version, correlationId, clientId: 'bench' }, api.request, body));
    const res = await frame;
    const h = decodeResponseHeader(res, responseHeaderVersion(api.apiKey, version));
    return decodeMessage(api.response, res.subarray(h.bodyOffset), version);
  }
}

const fetchBody = (offset: number) => ({
  replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: MiB, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
  topics: [{ topic: 'stored', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: MiB }] }],
  forgottenTopicsData: [], rackId: '',
});

async function hostile(port: number): Promise<Socket> {
  const s = await new Promise<Socket>((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port }, () => resolve(sock));
    sock.once('error', reject);
  });
  s.on('error', () => undefined);
  s.pause();
  const frames = Array.from({ length: 600 }, (_, i) => encodeRequestFrame({ apiKey: 1, apiVersion: 12, correlationId: i + 1, clientId: 'hostile' }, apis.Fetch.request, fetchBody(i % 36)));
  s.write(Buffer.concat(frames));
  return s;
}

async function peakWhile(pid: number, ms: number): Promise<number> {
  let peak = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    peak = Math.max(peak, rssOf(pid));
    await new Promise((r) => setTimeout(r, 100));
  }
  return peak;
}

interface FetchFigures {
  base: number;
  reading: number;
  one: number;
  four: number;
  after: number;
}

async function fetchScenario(dist: string, name: string): Promise<FetchFigures> {
  const { child, port } = await startBroker(dist, name);
  const pid = child.pid!;
  try {
    const w = await Wire.open(port);
    await w.request(apis.CreateTopics, 7, { topics: [{ name: 'stored', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    const value = Buffer.alloc(900 * 1024, 0x61);
    for (let i = 0; i < 36; i++) {
      await w.request(apis.Produce, 9, { transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{ name: 'stored', partitionData: [{ index: 0, records: buildRecordBatch([{ key: null, value }]) }] }] });
    }
    await new Promise((r) => setTimeout(r, 2000));
    const base = rssOf(pid);
    // The reference: a client that reads, making the same 600 Fetches one after another.
    let reading = base;
    for (let i = 0; i < 600; i++) {
      await w.request(apis.Fetch, 12, fetchBody(i % 36));
      if (i % 20 === 0) reading = Math.max(reading, rssOf(pid));
    }
    w.socket.destroy();
    const first = await hostile(port);
    const one = await peakWhile(pid, 6000);
    const more = await Promise.all([1, 2, 3].map(() => hostile(port)));
    const four = await peakWhile(pid, 6000);
    for (const s of [first, ...more]) s.destroy();
    await new Promise((r) => setTimeout(r, 3000));
    return { base, reading, one, four, after: rssOf(pid) };
  } finally {
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
  }
}

async function createTopicsScenario(): Promise<{ answeredMs: number; errorCode: number; rssAfterMetadata: number; base: number }> {
  const { child, port } = await startBroker(thisDist, 'create');
  try {
    const w = await Wire.open(port);
    await new Promise((r) => setTimeout(r, 1000));
    const base = rssOf(child.pid!);
    const start = performance.now();
    const res = await w.request(apis.CreateTopics, 7, { topics: [{ name: 'huge', numPartitions: 100_000_000, replicationFactor: -1, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
    const answeredMs = performance.now() - start;
    await w.request(apis.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    const rssAfterMetadata = rssOf(child.pid!);
    w.socket.destroy();
    return { answeredMs, errorCode: res.topics[0]!.errorCode, rssAfterMetadata, base };
  } finally {
    child.stdin!.end();
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const mib = (n: number) => n / MiB;
  const baselineDist = process.env.BROOK_BOUNDS_BASELINE;
  const now = await fetchScenario(thisDist, 'now');
  const before = baselineDist ? await fetchScenario(baselineDist, 'baseline') : null;
  const growth = (f: FetchFigures, n: 'reading' | 'one' | 'four') => mib(f[n] - f.base);
  rows.push({ name: 'RSS idle with 32 MiB stored', value: mib(now.base), unit: 'MiB' });
  rows.push({ name: 'RSS growth, 1 reading client, the same 600 Fetches in turn', value: growth(now, 'reading'), unit: 'MiB', ...(before ? { baseline: { name: 'baseline build', value: growth(before, 'reading') } } : {}) });
  rows.push({ name: 'RSS growth, 1 non-reading client x 600 Fetches of 1 MiB', value: growth(now, 'one'), unit: 'MiB', ...(before ? { baseline: { name: 'baseline build', value: growth(before, 'one') } } : {}) });
  rows.push({ name: 'RSS growth, 4 such clients', value: growth(now, 'four'), unit: 'MiB', ...(before ? { baseline: { name: 'baseline build', value: growth(before, 'four') } } : {}) });
  rows.push({ name: 'RSS 3 s after they disconnect, over idle', value: mib(now.after - now.base), unit: 'MiB', ...(before ? { baseline: { name: 'baseline build', value: mib(before.after - before.base) } } : {}) });
  const create = await createTopicsScenario();
  rows.push({ name: 'CreateTopics 100,000,000 partitions: answered in', value: create.answeredMs, unit: `ms (error ${create.errorCode})` });
  rows.push({ name: 'RSS growth after it and an all-topics Metadata', value: mib(create.rssAfterMetadata - create.base), unit: 'MiB' });
  if (before) notes.push(`baseline: ${baselineDist}`);
  notes.push('budgets at their defaults: 16 MiB per connection, 512 MiB broker-wide (docs/limits.md)');
  report('bounds', rows, notes);
  rmSync(root, { recursive: true, force: true });
}

await main();
