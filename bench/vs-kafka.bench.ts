// Brook beside Apache Kafka on this machine, in one run (`npm run bench -- vs-kafka`): the same
// clients (librdkafka through kcat and confluent_kafka), the same workloads, the systems
// alternating round by round (rotated order, a fresh broker and data dir each time), at least 3
// rounds, reported as min / median / max and as Brook-to-Kafka ratios of the medians:
//  - produce 100 B and 1 KiB records, acks=1 and acks=all (records/s);
//  - consume them back from the beginning (records/s);
//  - end-to-end and acknowledgement latency p50 / p99 / p99.9 at a steady 10,000 records/s (acks=all);
//  - the broker process's CPU seconds per GB in (produce) and out (consume), from /proc/<pid>/stat,
//    and its resident memory (now and peak), from /proc/<pid>/status.
// Kafka runs twice: with its defaults (acks=all answered once the page cache has the data; the
// OS flushes later) and with log.flush.interval.messages=1 (an fsync per append, Brook's acks=all
// durability). Writes bench/results/vs-kafka.json with the machine it ran on.
//   VS_KAFKA_ROUNDS (default 3), VS_KAFKA_SCALE (default 1; 0.1 for a quick look).
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from './harness.js';
import { kafkaRelease } from '../test/helpers/kafka-broker.js';
import { cpuSeconds, memory, startSystem, type RunningSystem, type SystemName } from './vs-kafka/systems.js';
import { consume, createTopic, latency, payloadFile, produce } from './vs-kafka/workloads.js';

const ROUNDS = Math.max(1, Number(process.env.VS_KAFKA_ROUNDS ?? 3));
const SCALE = Number(process.env.VS_KAFKA_SCALE ?? 1);
const PARTITIONS = 4;
const SMALL = { size: 100, count: Math.round(1_000_000 * SCALE) };
const LARGE = { size: 1024, count: Math.round(200_000 * SCALE) };
const WARM = { size: 100, count: Math.round(SMALL.count / 5) };
const LATENCY = { rate: 10_000, seconds: Math.max(2, Math.round(10 * SCALE)), size: 100 };
const SYSTEMS: SystemName[] = ['brook', 'kafka', 'kafka-flush1'];
const GB = 1e9;

type Figures = Record<string, number>;

/** Whether a metric is better when higher (throughput) or lower (latency, CPU, memory). */
const HIGHER_IS_BETTER = (metric: string) => metric.includes('records/s');

/**
 * Unmeasured traffic first, so a JIT (Kafka's JVM, Node's V8) and the page cache are warm when
 * the clock starts: a fifth of the small records produced and consumed back.
 */
async function warmUp(system: RunningSystem, files: { warm: string }): Promise<void> {
  await createTopic(system.bootstrap, 'warm-up', PARTITIONS);
  await produce(system.bootstrap, 'warm-up', files.warm, WARM.count, '1');
  await consume(system.bootstrap, 'warm-up', WARM.count);
}

async function round(system: RunningSystem, files: { small: string; large: string; warm: string }): Promise<Figures> {
  await warmUp(system, files);
  const f: Figures = {};
  const b = system.bootstrap;
  let cpuIn = 0;
  let bytesIn = 0;
  for (const [label, spec, file] of [['100 B', SMALL, files.small], ['1 KiB', LARGE, files.large]] as const) {
    for (const acks of ['1', 'all'] as const) {
      const topic = `produce-${spec.size}-acks-${acks}`;
      await createTopic(b, topic, PARTITIONS);
      const cpu0 = cpuSeconds(system.pid);
      const secs = await produce(b, topic, file, spec.count, acks);
      cpuIn += cpuSeconds(system.pid) - cpu0;
      bytesIn += spec.count * spec.size;
      f[`produce ${label} acks=${acks} (records/s)`] = spec.count / secs;
    }
  }
  f['broker CPU s per GB in'] = cpuIn / (bytesIn / GB);
  let cpuOut = 0;
  let bytesOut = 0;
  for (const [label, spec] of [['100 B', SMALL], ['1 KiB', LARGE]] as const) {
    const cpu0 = cpuSeconds(system.pid);
    const secs = await consume(b, `produce-${spec.size}-acks-1`, spec.count);
    cpuOut += cpuSeconds(system.pid) - cpu0;
    bytesOut += spec.count * spec.size;
    f[`consume ${label} (records/s)`] = spec.count / secs;
  }
  f['broker CPU s per GB out'] = cpuOut / (bytesOut / GB);
  await createTopic(b, 'latency', PARTITIONS);
  const lat = await latency(b, 'latency', LATENCY.rate, LATENCY.seconds, LATENCY.size);
  // The rate the producer really kept: below the target, the latencies are not at 10,000/s.
  f['latency run: records/s offered'] = lat.sent / lat.elapsedS;
  for (const [name, values] of [['end-to-end', lat.endToEndUs], ['ack', lat.ackUs]] as const) {
    for (const p of [50, 99, 99.9]) f[`${name} latency p${p} (ms)`] = percentile(values, p) / 1000;
  }
  const mem = memory(system.pid);
  f['broker RSS after the round (MiB)'] = mem.rssMiB;
  f['broker peak RSS (MiB)'] = mem.peakMiB;
  return f;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function versionOf(cmd: string, args: string[], pattern: RegExp): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return pattern.exec(`${r.stdout}${r.stderr}`)?.[1] ?? 'unknown';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-vs-kafka-bench-'));
  try {
    const files = {
      small: await payloadFile(dir, SMALL.size, SMALL.count),
      large: await payloadFile(dir, LARGE.size, LARGE.count),
      warm: await payloadFile(dir, WARM.size, WARM.count),
    };
    const load: { round: number; system: SystemName; before: number[]; after: number[] }[] = [];
    const raw: Record<SystemName, Figures[]> = { brook: [], kafka: [], 'kafka-flush1': [] };
    const starts: Record<SystemName, number[]> = { brook: [], kafka: [], 'kafka-flush1': [] };
    for (let r = 0; r < ROUNDS; r++) {
      // Rotate the order so no system always runs first (or right after another's disk writes).
      const order = SYSTEMS.map((_, i) => SYSTEMS[(i + r) % SYSTEMS.length]!);
      for (const name of order) {
        const system = await startSystem(name);
        try {
          starts[name].push(system.startMs);
          const before = os.loadavg();
          const figures = await round(system, files);
          load.push({ round: r + 1, system: name, before, after: os.loadavg() });
          raw[name].push(figures);
          console.log(`round ${r + 1}/${ROUNDS} ${name}: ${Object.entries(figures).map(([k, v]) => `${k} ${fmt(v)}`).join('; ')}`);
        } finally {
          await system.stop();
        }
      }
    }

    const metrics = Object.keys(raw.brook[0]!);
    const summary = metrics.map((metric) => {
      const per = Object.fromEntries(
        SYSTEMS.map((s) => {
          const v = raw[s].map((f) => f[metric]!);
          return [s, { min: Math.min(...v), median: median(v), max: Math.max(...v) }];
        }),
      ) as Record<SystemName, { min: number; median: number; max: number }>;
      return {
        metric,
        higherIsBetter: HIGHER_IS_BETTER(metric),
        ...per,
        brookToKafka: per.brook.median / per.kafka.median,
        brookToKafkaFlush1: per.brook.median / per['kafka-flush1'].median,
      };
    });

    const header = ['metric', 'Brook median (min-max)', 'Kafka median (min-max)', 'Kafka flush=1 median (min-max)', 'Brook/Kafka', 'Brook/Kafka flush=1'];
    const rows = summary.map((s) => [
      s.metric,
      ...SYSTEMS.map((n) => `${fmt(s[n].median)} (${fmt(s[n].min)}-${fmt(s[n].max)})`),
      `x${s.brookToKafka.toFixed(2)}`,
      `x${s.brookToKafkaFlush1.toFixed(2)}`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    console.log(`\nvs-kafka: Brook beside Apache Kafka ${kafkaRelease().kafka}, ${ROUNDS} rounds, ${os.cpus().length} x ${os.cpus()[0]?.model}`);
    for (const line of [header, ...rows]) console.log('  ' + line.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log('  (ratios are of medians; for records/s higher is better, for latency, CPU and memory lower is better)');
    // Other work on the machine skews everything; say so beside the figures.
    const busiest = Math.max(...load.map((l) => Math.max(l.before[0]!, l.after[0]!)));
    if (busiest > os.cpus().length) console.log(`  warning: the 1-minute load average reached ${busiest.toFixed(1)} on ${os.cpus().length} cores during the run: other processes competed with the brokers and clients; re-run on a quiet machine before quoting these figures`);

    const results = {
      bench: 'vs-kafka',
      date: new Date().toISOString(),
      machine: { cpuModel: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), kernel: os.release() },
      versions: {
        node: process.version,
        kafka: kafkaRelease().kafka,
        java: versionOf('java', ['-version'], /version "([^"]+)"/),
        kcat: versionOf('kcat', ['-V'], /Version (\S+)/),
        librdkafka: versionOf('kcat', ['-V'], /librdkafka version ([\d.]+)/),
      },
      parameters: { rounds: ROUNDS, scale: SCALE, partitions: PARTITIONS, small: SMALL, large: LARGE, latency: LATENCY, clients: 'kcat (produce, consume), confluent_kafka on /usr/bin/python3 (latency), librdkafka defaults but acks (and linger.ms=1 for latency)' },
      systems: {
        brook: 'brook start (its defaults: acks=all answered after fdatasync, group commit)',
        kafka: 'Apache Kafka KRaft single node, Kafka defaults (kafka-server-start.sh JVM settings: -Xmx1G -Xms1G G1)',
        'kafka-flush1': 'the same with log.flush.interval.messages=1 (fsync per append)',
      },
      startMs: starts,
      loadAverage: load,
      summary,
      rounds: raw,
    };
    const out = fileURLToPath(new URL('../../bench/results/', import.meta.url));
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'vs-kafka.json'), JSON.stringify(results, null, 2) + '\n');
    console.log(`  wrote bench/results/vs-kafka.json`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
