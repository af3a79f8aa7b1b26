// What security costs, measured in one run on one broker with three listeners side by side (ratios to
// PLAINTEXT, never absolute figures across runs; docs/security.md):
//  - produce throughput: 1 KiB values, acks=1, batches of 1,000, 8 in flight (@platformatic/kafka);
//  - consume throughput: the same records fetched from the beginning;
//  - produce latency p50/p99: one-message sends one after another.
// Listeners: PLAINTEXT, SSL (TLS 1.3, an RSA-2048 certificate made by openssl here) and SASL_SSL with
// SCRAM-SHA-256 (the SCRAM exchange happens once per connection, so its cost is TLS plus a handshake).
// Broker and clients share this process, so the figures include both sides' TLS work, as the same
// machine would. Everything talks to 127.0.0.1 and removes its temp dir.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Consumer, Producer, type SASLOptions } from '@platformatic/kafka';
import { Broker } from '../src/broker/broker.js';
import { upsertScramUser } from '../src/client/index.js';
import { silentLogger } from '../src/util/logger.js';
import { percentile, report, type BenchRow } from './harness.js';

const root = mkdtempSync(join(tmpdir(), 'brook-security-bench-'));
const MIB = 1 << 20;
const COUNT = Number(process.env.BROOK_BENCH_SECURITY_COUNT ?? 60_000);
const SIZE = 1024;
const LATENCY_SENDS = 2000;

function makeCertificate(): { keystore: string; ca: string } {
  const key = join(root, 'server.key');
  const cert = join(root, 'server.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-out', cert], { stdio: 'pipe' });
  const keystore = join(root, 'keystore.pem');
  writeFileSync(keystore, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'));
  return { keystore, ca: readFileSync(cert, 'utf8') };
}

interface ClientSecurity {
  tls?: { ca: string; servername: string };
  sasl?: SASLOptions;
}

async function produce(bootstrap: string, sec: ClientSecurity, topic: string): Promise<number> {
  const p = new Producer({ clientId: 'sec-bench', bootstrapBrokers: [bootstrap], acks: 1, ...sec });
  const value = Buffer.alloc(SIZE, 120);
  try {
    await p.send({ messages: [{ topic, value, partition: 0 }] });
    const start = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < COUNT) {
        const from = next;
        next += 1000;
        const msgs = [];
        for (let i = from; i < Math.min(from + 1000, COUNT); i++) msgs.push({ topic, value, partition: 0 });
        await p.send({ messages: msgs });
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    return (performance.now() - start) / 1000;
  } finally {
    await p.close();
  }
}

async function latency(bootstrap: string, sec: ClientSecurity, topic: string): Promise<{ p50: number; p99: number }> {
  const p = new Producer({ clientId: 'sec-bench-lat', bootstrapBrokers: [bootstrap], acks: 1, ...sec });
  const value = Buffer.alloc(SIZE, 121);
  const samples: number[] = [];
  try {
    await p.send({ messages: [{ topic, value, partition: 0 }] });
    for (let i = 0; i < LATENCY_SENDS; i++) {
      const t = performance.now();
      await p.send({ messages: [{ topic, value, partition: 0 }] });
      samples.push(performance.now() - t);
    }
  } finally {
    await p.close();
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

async function consume(bootstrap: string, sec: ClientSecurity, topic: string, expected: number): Promise<number> {
  const c = new Consumer({ clientId: 'sec-bench-c', groupId: 'unused', bootstrapBrokers: [bootstrap], ...sec });
  try {
    const md = await c.metadata({ topics: [topic] });
    const id = md.topics.get(topic)!.id;
    let next = 0n;
    let records = 0;
    const start = performance.now();
    while (records < expected) {
      const res = await c.fetch({
        node: 0,
        maxWaitTime: 100,
        minBytes: 1,
        maxBytes: 8 << 20,
        topics: [{ topicId: id, partitions: [{ partition: 0, fetchOffset: next, currentLeaderEpoch: -1, lastFetchedEpoch: -1, partitionMaxBytes: 4 << 20 }] }],
      });
      for (const part of res.responses[0]!.partitions) {
        for (const batch of part.records ?? []) {
          for (const r of batch.records) {
            const off = batch.firstOffset + BigInt(r.offsetDelta);
            if (off < next) continue;
            records++;
            next = off + 1n;
          }
        }
      }
    }
    return (performance.now() - start) / 1000;
  } finally {
    await new Promise<void>((resolve, reject) => c.close(true, (e) => (e ? reject(e) : resolve())));
  }
}

async function main(): Promise<void> {
  const { keystore, ca } = makeCertificate();
  const broker = await Broker.start({
    dataDir: join(root, 'data'),
    host: '127.0.0.1',
    port: 0,
    logger: silentLogger,
    config: { listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0', 'ssl.keystore.location': keystore, 'num.partitions': '1' },
  });
  const rows: BenchRow[] = [];
  try {
    const admin = new Admin({ clientId: 'sec-bench-admin', bootstrapBrokers: [broker.bootstrapOf('PLAINTEXT')] });
    await upsertScramUser(admin, 'bench', 'bench-secret', ['SCRAM-SHA-256'], 4096);
    const topics = ['plaintext', 'ssl', 'sasl_ssl'].flatMap((n) => [`sec-${n}`, `sec-${n}-lat`]);
    await admin.createTopics({ topics, partitions: 1, replicas: 1 });
    await admin.close();
    const tls = { ca, servername: 'localhost' };
    const variants: { name: string; bootstrap: string; sec: ClientSecurity }[] = [
      { name: 'PLAINTEXT', bootstrap: broker.bootstrapOf('PLAINTEXT'), sec: {} },
      { name: 'SSL', bootstrap: broker.bootstrapOf('SSL'), sec: { tls } },
      { name: 'SASL_SSL', bootstrap: broker.bootstrapOf('SASL_SSL'), sec: { tls, sasl: { mechanism: 'SCRAM-SHA-256', username: 'bench', password: 'bench-secret' } } },
    ];
    // Two rounds through the listeners in turn, best figure of each (the machine is shared: a lone
    // pass would also charge the first listener with the JIT's warm-up).
    type Figures = { produce: number; consume: number; p50: number; p99: number };
    const best = new Map<string, Figures>();
    for (let round = 0; round < 2; round++) {
      for (const v of variants) {
        const topic = `sec-${v.name.toLowerCase()}`;
        const produceSecs = await produce(v.bootstrap, v.sec, topic);
        const stored = (round + 1) * (COUNT + 1);
        const consumeSecs = await consume(v.bootstrap, v.sec, topic, stored);
        const lat = await latency(v.bootstrap, v.sec, `${topic}-lat`);
        const f: Figures = { produce: (COUNT * SIZE) / MIB / produceSecs, consume: (stored * SIZE) / MIB / consumeSecs, p50: lat.p50, p99: lat.p99 };
        const was = best.get(v.name);
        best.set(v.name, was ? { produce: Math.max(was.produce, f.produce), consume: Math.max(was.consume, f.consume), p50: Math.min(was.p50, f.p50), p99: Math.min(was.p99, f.p99) } : f);
      }
    }
    const base = best.get('PLAINTEXT')!;
    for (const v of variants) {
      const f = best.get(v.name)!;
      const baseline = (key: keyof Figures, label: string) => (v.name === 'PLAINTEXT' ? undefined : { name: `PLAINTEXT ${label}`, value: base[key] });
      rows.push({ name: `${v.name} produce 1 KiB acks=1`, value: f.produce, unit: 'MiB/s', baseline: baseline('produce', 'produce') });
      rows.push({ name: `${v.name} consume 1 KiB`, value: f.consume, unit: 'MiB/s', baseline: baseline('consume', 'consume') });
      rows.push({ name: `${v.name} produce latency p50`, value: f.p50, unit: 'ms', baseline: baseline('p50', 'p50') });
      rows.push({ name: `${v.name} produce latency p99`, value: f.p99, unit: 'ms', baseline: baseline('p99', 'p99') });
    }
  } finally {
    await broker.close();
    rmSync(root, { recursive: true, force: true });
  }
  report('security', rows, [
    `${COUNT} x ${SIZE} B records per listener per round, best of 2 rounds; latency over ${LATENCY_SENDS} sequential sends; broker and client in one process`,
    'ratio = value / PLAINTEXT in the same run (for latency, above 1 means slower)',
  ]);
}

await main();
