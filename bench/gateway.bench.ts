// HTTP gateway benchmark. `brook start` runs in a child process (broker and gateway, as users run
// them); this process is the load. In one run:
//   - REST v3 produce, one record per request and 100 per records:batch request, against the
//     Kafka-protocol produce of the same records (the client layer's producer, acks=all) — the
//     ratio is the price of HTTP;
//   - SSE fan-out to 1, 100 and 1,000 subscribers of one topic: delivery latency (produce sent ->
//     event parsed in a subscriber) p50/p99, and the broker process's RSS;
//   - schema lookups per second (GET /schemas/ids/{id}, POST /subjects/{s} lookup).
// Bounded: every phase stops after a fixed count or time.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BatchProducer, createProducer } from '../src/client/index.js';
import { percentile, report, type BenchRow } from './harness.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

interface Answer {
  status: number;
  body: string;
}

function call(url: string, method: string, body?: string, type = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: body === undefined ? {} : { 'content-type': type, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

async function startBrook(dir: string): Promise<{ child: ChildProcess; url: string; bootstrap: string }> {
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--http-port', '0', '--data-dir', join(dir, 'data'), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (b: Buffer) => {
      text += b.toString();
      if (/Press Ctrl\+C/.test(text)) resolve(text);
    });
    child.on('exit', (code) => reject(new Error(`brook start exited ${code}`)));
  });
  return { child, url: /http\s+(http:\/\/\S+:\d+)/.exec(out)![1]!, bootstrap: /bootstrap\s+(\S+)/.exec(out)![1]! };
}

/** Runs `worker` on `concurrency` lanes until `total` items are done; returns items per second. */
async function lanes(total: number, concurrency: number, perCall: number, worker: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next;
        next += perCall;
        if (i >= total) return;
        await worker(i);
      }
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function rss(url: string): Promise<number> {
  const m = /^process_resident_memory_bytes (\d+)/m.exec((await call(`${url}/metrics`, 'GET')).body);
  return m ? Number(m[1]) / (1024 * 1024) : NaN;
}

/** Opens `n` SSE streams, then produces `events` records paced over time; latency per delivered event. */
async function fanOut(url: string, cluster: string, topic: string, n: number, events: number): Promise<{ p50: number; p99: number; produceP50: number; delivered: number; rssMb: number }> {
  const latencies: number[] = [];
  const produceTimes: number[] = [];
  let delivered = 0;
  const streams: ReturnType<typeof request>[] = [];
  let open = 0;
  await new Promise<void>((resolve, reject) => {
    for (let i = 0; i < n; i++) {
      const req = request(`${url}/sse/topics/${topic}?offset=latest`, { agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text === '' && chunk.startsWith('retry:') && ++open === n) resolve();
          text += chunk;
          let cut;
          while ((cut = text.indexOf('\n\n')) >= 0) {
            const event = text.slice(0, cut);
            text = text.slice(cut + 2);
            const data = /\ndata: (.*)$/.exec(event);
            if (!data) continue;
            const sent = Number((JSON.parse(data[1]!) as { value: string }).value);
            latencies.push(performance.timeOrigin + performance.now() - sent);
            delivered++;
          }
        });
      });
      req.on('error', reject);
      req.end();
      streams.push(req);
    }
  });
  const target = n * events;
  for (let i = 0; i < events; i++) {
    const sentAt = performance.now();
    await call(`${url}/v3/clusters/${cluster}/topics/${topic}/records`, 'POST', JSON.stringify({ value: { type: 'STRING', data: String(performance.timeOrigin + performance.now()) } }));
    produceTimes.push(performance.now() - sentAt);
    await new Promise((r) => setTimeout(r, 10)); // paced: latency, not queueing, is measured
  }
  const deadline = Date.now() + 30_000;
  while (delivered < target && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const rssMb = await rss(url);
  for (const s of streams) s.destroy();
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), produceP50: percentile(produceTimes, 50), delivered, rssMb };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-bench-gateway-'));
  const brook = await startBrook(dir);
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    const { url, bootstrap } = brook;
    const cluster = (JSON.parse((await call(`${url}/v3/clusters`, 'GET')).body) as { data: { cluster_id: string }[] }).data[0]!.cluster_id;
    for (const [name, partitions] of [['rest-single', 3], ['rest-batch', 3], ['kafka-single', 3], ['kafka-batch', 3], ['fanout', 1]] as const) {
      await call(`${url}/v3/clusters/${cluster}/topics`, 'POST', JSON.stringify({ topic_name: name, partitions_count: partitions }));
    }
    const value = 'x'.repeat(100);
    const SINGLE = 5000;
    const BATCHED = 100_000;

    const restSingle = await lanes(SINGLE, 16, 1, async (i) => {
      const r = await call(`${url}/v3/clusters/${cluster}/topics/rest-single/records`, 'POST', JSON.stringify({ key: { type: 'STRING', data: `k${i}` }, value: { type: 'STRING', data: value } }));
      if (r.status !== 200) throw new Error(r.body);
    });
    const batchBody = (i: number) => JSON.stringify({ entries: Array.from({ length: 100 }, (_, n) => ({ id: String(n), key: { type: 'STRING', data: `k${i + n}` }, value: { type: 'STRING', data: value } })) });
    const restBatch = await lanes(BATCHED, 4, 100, async (i) => {
      const r = await call(`${url}/v3/clusters/${cluster}/topics/rest-batch/records:batch`, 'POST', batchBody(i));
      if (r.status !== 207) throw new Error(r.body);
    });

    const client = createProducer({ brokers: [bootstrap], clientId: 'bench-kafka' });
    const producer = new BatchProducer(client);
    const meta = await client.metadata({ topics: ['kafka-single', 'kafka-batch'] });
    void meta;
    const { partitionForKey } = await import('../src/client/index.js');
    const kafkaSingle = await lanes(SINGLE, 16, 1, async (i) => {
      const key = Buffer.from(`k${i}`);
      await producer.produce([{ topic: 'kafka-single', partition: partitionForKey(key, 3), records: [{ key, value: Buffer.from(value) }] }]);
    });
    const kafkaBatch = await lanes(BATCHED, 4, 100, async (i) => {
      const byPartition = new Map<number, { key: Buffer; value: Buffer }[]>();
      for (let n = 0; n < 100; n++) {
        const key = Buffer.from(`k${i + n}`);
        const p = partitionForKey(key, 3);
        byPartition.set(p, [...(byPartition.get(p) ?? []), { key, value: Buffer.from(value) }]);
      }
      await producer.produce([...byPartition].map(([partition, records]) => ({ topic: 'kafka-batch', partition, records })));
    });
    await client.close();
    rows.push({ name: 'REST v3 produce, 1 record/request (16 in flight)', value: restSingle, unit: 'records/s', baseline: { name: 'Kafka protocol, 1 record/request', value: kafkaSingle } });
    rows.push({ name: 'REST v3 produce, records:batch of 100 (4 in flight)', value: restBatch, unit: 'records/s', baseline: { name: 'Kafka protocol, 100 records/request', value: kafkaBatch } });

    await call(`${url}/subjects/bench-value/versions`, 'POST', JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'B', fields: [{ name: 'a', type: 'int' }] }) }), 'application/vnd.schemaregistry.v1+json');
    const byId = await lanes(20_000, 16, 1, async () => {
      const r = await call(`${url}/schemas/ids/1`, 'GET');
      if (r.status !== 200) throw new Error(r.body);
    });
    const lookupBody = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'B', fields: [{ name: 'a', type: 'int' }] }) });
    const bySchema = await lanes(10_000, 16, 1, async () => {
      const r = await call(`${url}/subjects/bench-value`, 'POST', lookupBody, 'application/vnd.schemaregistry.v1+json');
      if (r.status !== 200) throw new Error(r.body);
    });
    rows.push({ name: 'schema lookups by id (GET /schemas/ids/1)', value: byId, unit: 'lookups/s' });
    rows.push({ name: 'schema lookups by schema (POST /subjects/s)', value: bySchema, unit: 'lookups/s' });

    const idle = await rss(url);
    for (const n of [1, 100, 1000]) {
      const r = await fanOut(url, cluster, 'fanout', n, 100);
      rows.push({ name: `SSE fan-out to ${n}: delivery latency p99`, value: r.p99, unit: 'ms' });
      rows.push({ name: `SSE fan-out to ${n}: delivery latency p50`, value: r.p50, unit: 'ms', baseline: { name: 'REST produce call p50 (acks=all)', value: r.produceP50 } });
      rows.push({ name: `SSE fan-out to ${n}: broker RSS`, value: r.rssMb, unit: 'MiB', baseline: { name: 'before any subscriber', value: idle } });
      notes.push(`fan-out ${n}: ${r.delivered} of ${n * 100} events delivered`);
    }
    notes.push('brook start (broker + gateway) in a child process; load from this process over loopback; 100-byte values; acks=all everywhere');
  } finally {
    brook.child.kill('SIGTERM');
    await new Promise((r) => brook.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
    agent.destroy();
  }
  report('gateway', rows, notes);
}

await main();
