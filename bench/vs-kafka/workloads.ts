// The vs-kafka benchmark's workloads, driven by the same real clients against every system:
//  - produce: kcat -P (librdkafka, C) sending a file of fixed-size lines, one record per line, with
//    librdkafka's defaults but acks; timed until kcat exits (it waits for every acknowledgement),
//    then checked against the topic's end offsets;
//  - consume: kcat -C from the beginning to the end of the topic;
//  - latency: bench/vs-kafka/latency.py (confluent_kafka on the same librdkafka) at a steady rate.
// A Python loop tops out at a few hundred thousand records/s, below what the brokers take, so the
// throughput figures use kcat, whose per-record cost is librdkafka's own.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { createAdmin, createConsumer } from '../../src/client/index.js';
import { repoRoot } from '../../test/helpers/paths.js';

const PYTHON = '/usr/bin/python3';

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function runChild(cmd: string, args: string[], limitMs: number, onStdout?: (b: Buffer) => void): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => (onStdout ? onStdout(b) : out.push(b)));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const guard = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: err, ms: performance.now() - started });
    });
  });
}

/** A file of `count` lines of `size` bytes each (plus the newline kcat splits on). */
export async function payloadFile(dir: string, size: number, count: number): Promise<string> {
  const path = join(dir, `payload-${size}-${count}.txt`);
  const stream = createWriteStream(path);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const chunkLines = 1000;
  for (let written = 0; written < count; written += chunkLines) {
    const n = Math.min(chunkLines, count - written);
    const bytes = randomBytes(n * size);
    const buf = Buffer.alloc(n * (size + 1));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < size; j++) buf[i * (size + 1) + j] = alphabet.charCodeAt(bytes[i * size + j]! % alphabet.length);
      buf[i * (size + 1) + size] = 10;
    }
    if (!stream.write(buf)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return path;
}

export async function createTopic(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const admin = createAdmin({ brokers: [bootstrap], clientId: 'vs-kafka-admin' });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** The sum of the topic's partitions' end offsets: how many records it holds. */
export async function recordCount(bootstrap: string, topic: string): Promise<number> {
  const consumer = createConsumer({ brokers: [bootstrap], clientId: 'vs-kafka-check' }, { groupId: 'vs-kafka-check', autocommit: false });
  try {
    await consumer.metadata({ topics: [topic], forceUpdate: true });
    const ends = await consumer.listOffsets({ topics: [topic], timestamp: -1n });
    return (ends.get(topic) ?? []).reduce((n, o) => n + Number(o), 0);
  } finally {
    await consumer.close();
  }
}

/** kcat -P of a payload file; returns the wall time in seconds until every record was acknowledged. */
export async function produce(bootstrap: string, topic: string, file: string, count: number, acks: '1' | 'all'): Promise<number> {
  const r = await kcatProduce(bootstrap, topic, file, acks, []);
  const stored = await recordCount(bootstrap, topic);
  if (stored !== count) throw new Error(`produced ${count} records to ${topic} but it holds ${stored}: ${r.stderr.slice(-2000)}`);
  return r.ms / 1000;
}

/**
 * kcat -P of `files[i]` into partition i (`-p i`), one after another, then checked against `count`.
 * Why: kcat's own partitioner spreads keyless records at random, so two systems fed the same file get
 * different partition sizes (measured: the largest of four partitions 40 MB on one broker, 34 MB on
 * the other), and a consumer reading a backlog spends its last fetches on the largest partition
 * alone: the read's rate then says as much about the spread as about the broker. Explicit
 * partitions give every system the same sizes.
 */
export async function producePartitions(bootstrap: string, topic: string, files: readonly string[], count: number, acks: '1' | 'all'): Promise<void> {
  for (let i = 0; i < files.length; i++) await kcatProduce(bootstrap, topic, files[i]!, acks, ['-p', String(i)]);
  const stored = await recordCount(bootstrap, topic);
  if (stored !== count) throw new Error(`produced ${count} records to ${topic} but it holds ${stored}`);
}

/** Splits a payloadFile() of `count` lines of `size` bytes into `parts` files of equal line counts. */
export async function splitPayload(file: string, size: number, count: number, parts: number): Promise<string[]> {
  const per = Math.ceil(count / parts);
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    const path = `${file}.${parts}-${i}`;
    const lines = Math.min(per, count - i * per);
    if (lines <= 0) break;
    await pipeline(createReadStream(file, { start: i * per * (size + 1), end: (i * per + lines) * (size + 1) - 1 }), createWriteStream(path));
    out.push(path);
  }
  return out;
}

async function kcatProduce(bootstrap: string, topic: string, file: string, acks: '1' | 'all', extra: string[]): Promise<ChildResult> {
  const r = await runChild('kcat', ['-P', '-b', bootstrap, '-t', topic, ...extra, '-X', `acks=${acks === 'all' ? '-1' : '1'}`, '-l', file], 600_000);
  if (r.code !== 0) throw new Error(`kcat -P exited ${r.code}: ${r.stderr.slice(-2000)}`);
  return r;
}

/** kcat -C of the whole topic; returns the wall time in seconds. */
export async function consume(bootstrap: string, topic: string, count: number): Promise<number> {
  return (await consumeTimed(bootstrap, topic, count)).wallS;
}

/**
 * kcat -C of the whole topic: its wall time, and the time from its first output to its last (the
 * backlog's transfer without kcat's start-up, metadata and offset lookups; kcat's stdout is a pipe,
 * so it writes in blocks of a few thousand records). `properties` are extra librdkafka settings
 * (`-X name=value` each).
 */
export async function consumeTimed(bootstrap: string, topic: string, count: number, properties: readonly string[] = []): Promise<{ wallS: number; dataS: number }> {
  let lines = 0;
  let first = 0;
  let last = 0;
  const r = await runChild('kcat', ['-C', '-b', bootstrap, '-t', topic, ...properties.flatMap((p) => ['-X', p]), '-o', 'beginning', '-e', '-q', '-c', String(count), '-f', '%o\\n'], 600_000, (b) => {
    last = performance.now();
    if (first === 0) first = last;
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  });
  if (r.code !== 0) throw new Error(`kcat -C exited ${r.code}: ${r.stderr.slice(-2000)}`);
  if (lines !== count) throw new Error(`consumed ${lines} of ${count} records from ${topic}`);
  return { wallS: r.ms / 1000, dataS: (last - first) / 1000 };
}

export interface LatencyResult {
  endToEndUs: number[];
  ackUs: number[];
  sent: number;
  elapsedS: number;
}

/** `rate` records/s of `size` bytes for `seconds` (acks=all unless told); latencies from latency.py. */
export async function latency(bootstrap: string, topic: string, rate: number, seconds: number, size: number, acks: '1' | 'all' = 'all'): Promise<LatencyResult> {
  const script = join(repoRoot, 'bench', 'vs-kafka', 'latency.py');
  const total = rate * seconds;
  const consumer = spawn(PYTHON, [script, 'consume', bootstrap, topic, String(total), String(seconds + 60)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  consumer.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const done = new Promise<string>((resolve) => consumer.on('close', () => resolve(out)));
  await new Promise<void>((resolve, reject) => {
    consumer.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('"ready"')) resolve();
    });
    consumer.on('close', (code) => reject(new Error(`latency consumer exited ${code}: ${err.slice(-2000)}`)));
  });
  const p = await runChild(PYTHON, [script, 'produce', bootstrap, topic, String(rate), String(seconds), String(size), acks], (seconds + 120) * 1000);
  if (p.code !== 0) throw new Error(`latency producer exited ${p.code}: ${p.stderr.slice(-2000)}`);
  const produced = JSON.parse(p.stdout.trim().split('\n').pop()!) as { sent: number; elapsed_s: number; ack_latencies_us: number[] };
  const consumed = JSON.parse((await done).trim().split('\n').pop()!) as { received: number; latencies_us: number[] };
  if (consumed.received !== produced.sent) throw new Error(`latency run: sent ${produced.sent}, received ${consumed.received}: ${err.slice(-2000)}`);
  return { endToEndUs: consumed.latencies_us, ackUs: produced.ack_latencies_us, sent: produced.sent, elapsedS: produced.elapsed_s };
}
