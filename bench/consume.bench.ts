// Consume from the page cache, Brook beside Apache Kafka and the machine's loopback, in one run
// (`npm run bench -- consume`; issue 17's consume targets):
//  - both brokers run side by side (`brook start` with its defaults; Kafka KRaft single node with its
//    own JVM settings, bench/vs-kafka/systems.ts), each holding the same backlogs produced once by
//    kcat: 1,000,000 x 100 B in 1 and in 4 partitions, 300,000 x 1 KiB in 4 partitions, an equal
//    share produced into each partition (`kcat -p`) so both brokers hold partitions of the same sizes;
//  - each round reads every backlog from the beginning with kcat (librdkafka, `-e`: until the end),
//    once per broker in rotated order, and moves the 1 KiB backlog's bytes over a plain loopback TCP
//    connection between two Node processes (the machine's ceiling for one stream into one process);
//  - rows are min / median / max over the rounds (CONSUME_ROUNDS, default 3); ratios are of medians:
//    Brook to Kafka, Brook's 1 KiB MiB/s to loopback's, Brook's 100 B records/s to 1,000,000;
//  - the broker's CPU seconds per GB read, from /proc/<pid>/stat around each kcat run.
// Two times per kcat run: from its first output to its last (the transfer of the backlog: the rows)
// and its wall time (start-up, metadata and offset lookups included: the notes); a kcat run against
// an empty topic is reported beside them (mostly librdkafka's fetch.wait.max.ms before end-of-partition).
// Load averages before and after each round go into the JSON with the figures.
// CONSUME_KCAT_PROPERTIES adds librdkafka settings to the timed kcat runs (space-separated
// name=value), e.g. `queued.min.messages=10000000`: with the default (100,000) librdkafka stops
// fetching a partition whose local queue is past it and looks again only when its broker thread next
// wakes (up to ~1 s later), so the faster a broker fills that queue the more such pauses a 100 B row
// has; raising it shows the brokers' own rates (docs/performance.md, The consume path).
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report, type BenchRow } from './harness.js';
import { loopbackMiBps } from './loopback.js';
import { cpuSeconds, startSystem, type RunningSystem } from './vs-kafka/systems.js';
import { consume, consumeTimed, createTopic, payloadFile, producePartitions, splitPayload } from './vs-kafka/workloads.js';

const ROUNDS = Math.max(1, Number(process.env.CONSUME_ROUNDS ?? 3));
const KCAT_PROPERTIES = (process.env.CONSUME_KCAT_PROPERTIES ?? '').split(' ').filter((p) => p !== '');
const MIB = 1 << 20;
const BACKLOGS = [
  { name: '100 B 1p', topic: 'small-1p', size: 100, count: 1_000_000, partitions: 1 },
  { name: '100 B 4p', topic: 'small-4p', size: 100, count: 1_000_000, partitions: 4 },
  { name: '1 KiB 4p', topic: 'large-4p', size: 1024, count: 300_000, partitions: 4 },
] as const;
type Side = 'brook' | 'kafka';

interface Stat {
  min: number;
  median: number;
  max: number;
}

function stat(values: number[]): Stat {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return { min: s[0]!, median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2, max: s[s.length - 1]! };
}

async function prepare(system: RunningSystem, files: Record<string, string[]>): Promise<void> {
  for (const b of BACKLOGS) {
    await createTopic(system.bootstrap, b.topic, b.partitions);
    await producePartitions(system.bootstrap, b.topic, files[b.topic]!, b.count, '1');
    await consume(system.bootstrap, b.topic, b.count); // untimed: page cache and JIT warm
  }
  await createTopic(system.bootstrap, 'empty', 1);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-consume-bench-'));
  const systems: Partial<Record<Side, RunningSystem>> = {};
  try {
    const files: Record<string, string[]> = {};
    for (const b of BACKLOGS) files[b.topic] = await splitPayload(await payloadFile(dir, b.size, b.count), b.size, b.count, b.partitions);
    for (const side of ['brook', 'kafka'] as const) {
      systems[side] = await startSystem(side);
      await prepare(systems[side], files);
    }
    const secs: Record<string, number[]> = {};
    const wall: Record<string, number[]> = {};
    const cpu: Record<Side, { secs: number; bytes: number }> = { brook: { secs: 0, bytes: 0 }, kafka: { secs: 0, bytes: 0 } };
    const loop: number[] = [];
    const load: { round: number; before: number[]; after: number[] }[] = [];
    const large = BACKLOGS.find((b) => b.size === 1024)!;
    for (let r = 0; r < ROUNDS; r++) {
      const before = os.loadavg();
      const order: Side[] = r % 2 === 0 ? ['brook', 'kafka'] : ['kafka', 'brook'];
      if (r % 2 === 1) loop.push(await loopbackMiBps(large.size * large.count));
      for (const side of order) {
        const system = systems[side]!;
        for (const b of BACKLOGS) {
          const cpu0 = cpuSeconds(system.pid);
          const t = await consumeTimed(system.bootstrap, b.topic, b.count, KCAT_PROPERTIES);
          cpu[side].secs += cpuSeconds(system.pid) - cpu0;
          cpu[side].bytes += b.size * b.count;
          (secs[`${side} ${b.name}`] ??= []).push(t.dataS);
          (wall[`${side} ${b.name}`] ??= []).push(t.wallS);
        }
        (wall[`${side} empty`] ??= []).push(await consume(system.bootstrap, 'empty', 0));
      }
      if (r % 2 === 0) loop.push(await loopbackMiBps(large.size * large.count));
      load.push({ round: r + 1, before, after: os.loadavg() });
    }

    const rows: BenchRow[] = [];
    const notes: string[] = [];
    const loopStat = stat(loop);
    rows.push({ name: 'loopback TCP node -> node (1 KiB backlog bytes)', value: loopStat.median, unit: 'MiB/s' });
    notes.push(`loopback MiB/s min/median/max ${[loopStat.min, loopStat.median, loopStat.max].map((v) => v.toFixed(0)).join(' / ')}`);
    for (const b of BACKLOGS) {
      const rate = (side: Side, times = secs) => stat(times[`${side} ${b.name}`]!.map((s) => b.count / s));
      const brook = rate('brook');
      const kafka = rate('kafka');
      notes.push(`${b.name} wall time (start-up included) records/s medians: Brook ${Math.round(rate('brook', wall).median).toLocaleString('en-US')}, Kafka ${Math.round(rate('kafka', wall).median).toLocaleString('en-US')}`);
      rows.push({ name: `consume ${b.name} Brook vs Kafka`, value: brook.median, unit: 'records/s', baseline: { name: 'Kafka', value: kafka.median }, targetRatio: 1 });
      if (b.size === 100) rows.push({ name: `consume ${b.name} Brook vs 1 M/s`, value: brook.median, unit: 'records/s', baseline: { name: 'target', value: 1_000_000 }, targetRatio: 1 });
      else rows.push({ name: `consume ${b.name} Brook vs loopback`, value: (brook.median * b.size) / MIB, unit: 'MiB/s', baseline: { name: 'loopback', value: loopStat.median }, targetRatio: 0.5 });
      for (const [side, s] of [['Brook', brook], ['Kafka', kafka]] as const) {
        notes.push(`${b.name} ${side} records/s min/median/max ${[s.min, s.median, s.max].map((v) => Math.round(v).toLocaleString('en-US')).join(' / ')}`);
      }
    }
    for (const side of ['brook', 'kafka'] as const) {
      rows.push({ name: `${side} CPU s per GB out`, value: cpu[side].secs / (cpu[side].bytes / 1e9), unit: 's/GB' });
      const e = stat(wall[`${side} empty`]!);
      notes.push(`kcat on an empty topic (start-up, metadata, offsets) against ${side}: median ${(e.median * 1000).toFixed(0)} ms`);
    }
    const busiest = Math.max(...load.flatMap((l) => [l.before[0]!, l.after[0]!]));
    notes.push(`1-minute load average ${load.map((l) => `${l.before[0]!.toFixed(1)}->${l.after[0]!.toFixed(1)}`).join(', ')} on ${os.cpus().length} cores${busiest > os.cpus().length ? ' (other processes competed: re-run quietly before quoting)' : ''}`);
    notes.push(`clients: kcat -C -e (${KCAT_PROPERTIES.length > 0 ? `librdkafka defaults but ${KCAT_PROPERTIES.join(', ')}` : 'librdkafka defaults'}); rows time from its first output to its last`);
    report('consume', rows, notes, { rounds: ROUNDS, kcatProperties: KCAT_PROPERTIES, dataSeconds: secs, wallSeconds: wall, loopbackMiBs: loop, loadAverage: load });
  } finally {
    for (const s of Object.values(systems)) await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
