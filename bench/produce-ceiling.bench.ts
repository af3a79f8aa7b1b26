// Produce throughput against the client's own ceiling (issue: "Produce 100 B, librdkafka, acks=1:
// >= 0.95 of the client's own no-broker ceiling"), measured so the two sides are comparable:
//
//  - the client is one script (python3-confluent-kafka, librdkafka), the same records, the same
//    settings (linger.ms 5, batch.size 1,000,000, one partition) and the same acks on both sides;
//  - the ceiling is that script against librdkafka's built-in mock cluster (test.mock.num.brokers=1:
//    an in-process broker thread that keeps the batches in memory, reached over 127.0.0.1 like Brook);
//  - Brook runs in its own process (bench/produce-broker.ts) and is warmed up with one unmeasured run
//    per acks before the measured ones, so no row times V8 compiling the produce path; the mock gets
//    the same unmeasured run;
//  - the sides alternate ROUNDS times per acks (ABBA order), each run producing to a new topic;
//    figures are min/median/max, the ratio is of medians, and the load average is printed per run.
//
// Besides wall-clock rates, which on a shared machine depend on what else runs, it reports CPU time
// per record from /proc, which depends far less on load: the client's application thread (the Python
// loop calling produce(), the thread that bounds the client), librdkafka's own threads, the mock
// broker thread, and Brook (all its threads); and, from /proc schedstat, the application thread's
// time on a CPU and time runnable but waiting for one, over the run's wall time (on a CPU near 1:
// nothing took its core from it; in a virtual machine the kernel's accounting can read a few per cent
// over 1, so compare the two sides rather than either with 1). On 2 cores the client and the broker share the machine,
// so these decide what ratio is possible at all (docs/performance.md, "Against the client's ceiling").
//   npm run bench -- produce-ceiling   (BENCH_ROUNDS=5, BENCH_RECORDS=1000000, BENCH_ACKS=1,all;
//     BENCH_BUILDS=before=/path/to/old/dist,... alternates other builds' brokers beside this one)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, report, type BenchRow } from './harness.js';
import { JsonLineChild } from './json-line-child.js';
import { cpuSeconds } from './vs-kafka/systems.js';

const PY = '/usr/bin/python3';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const ACKS = (process.env.BENCH_ACKS ?? '1,all').split(',');
const SIZE = 100;

// Times the loop and flush, and reads every thread's CPU time of its own process from /proc.
const CLIENT = `
import json, os, sys, time
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic
bootstrap, topic, size, count, acks = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
conf = {'acks': acks, 'linger.ms': 5, 'batch.size': 1000000, 'queue.buffering.max.messages': 2000000, 'queue.buffering.max.kbytes': 2097151}
if bootstrap == 'mock':
    conf['test.mock.num.brokers'] = 1
else:
    conf['bootstrap.servers'] = bootstrap
    admin = AdminClient({'bootstrap.servers': bootstrap})
    for f in admin.create_topics([NewTopic(topic, 1, 1)]).values(): f.result()
def threads():
    out = {}
    for tid in os.listdir('/proc/self/task'):
        try:
            name = 'app' if tid == str(os.getpid()) else open(f'/proc/self/task/{tid}/comm').read().strip()
            f = open(f'/proc/self/task/{tid}/stat').read().rsplit(')', 1)[1].split()
            out[tid] = (name, int(f[11]) + int(f[12]))
        except OSError:
            pass
    return out
def sched():
    run, wait = open('/proc/self/task/%d/schedstat' % os.getpid()).read().split()[:2]
    return int(run), int(wait)
p = Producer(conf)
value = b'x' * size
p.produce(topic, value, partition=0); p.flush(30)
before = threads()
run0, wait0 = sched()
t = time.time()
for i in range(count):
    while True:
        try:
            p.produce(topic, value, partition=0); break
        except BufferError:
            p.poll(0.001)
loop = time.time() - t
p.flush(120)
secs = time.time() - t
run1, wait1 = sched()
cpu = {}
for tid, (name, ticks) in threads().items():
    group = 'app' if name == 'app' else 'mock' if name.startswith('rdk:mock') else 'librdkafka'
    cpu[group] = cpu.get(group, 0) + (ticks - before.get(tid, (name, 0))[1]) / os.sysconf('SC_CLK_TCK')
print(json.dumps({'secs': secs, 'loop': loop, 'cpu': cpu, 'appRun': (run1 - run0) / 1e9, 'appWait': (wait1 - wait0) / 1e9}))
`;

interface Run {
  rate: number;
  loopSecs: number;
  secs: number;
  appUs: number;
  /** The client's produce() thread's time on a CPU over the run's wall time: its share of one core. */
  appShare: number;
  /** The same thread's time runnable but waiting for a CPU, over the run's wall time. */
  appWaitShare: number;
  librdkafkaUs: number;
  mockUs: number;
  brokerUs: number;
  brokerSwitches: number;
  /** Produce requests the broker answered during the run (0 for the mock). */
  requests: number;
  load1: number;
}

interface ClientResult {
  secs: number;
  loop: number;
  /** CPU seconds per thread group (/proc ticks). */
  cpu: Record<string, number>;
  /** The produce() thread's time on a CPU and waiting for one, in seconds (/proc schedstat). */
  appRun: number;
  appWait: number;
}

function runClient(bootstrap: string, topic: string, acks: string, count: number): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PY, ['-c', CLIENT, bootstrap, topic, String(SIZE), String(count), acks], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const guard = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (code === 0) resolve(JSON.parse(Buffer.concat(out).toString().trim().split('\n').pop()!) as ClientResult);
      else reject(new Error(`client exited ${code}: ${Buffer.concat(err).toString().slice(-2000)}`));
    });
  });
}

/** CPU seconds (user + system, all threads) and context switches (voluntary and not) of a process. */
function processUsage(pid: number): { cpu: number; switches: number } {
  const cpu = cpuSeconds(pid);
  let switches = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) switches += Number(m[1]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return { cpu, switches };
}

class BrokerProcess {
  private constructor(
    private readonly child: JsonLineChild,
    readonly pid: number,
    readonly bootstrap: string,
    private readonly dataDir: string,
  ) {}

  /** Produce requests answered so far. */
  async produceRequests(): Promise<number> {
    return (await this.child.ask<{ produceRequests: number }>('stats')).produceRequests;
  }

  static async start(distDir: string | undefined): Promise<BrokerProcess> {
    const dataDir = mkdtempSync(join(tmpdir(), 'brook-ceiling-'));
    const script = fileURLToPath(new URL('./produce-broker.js', import.meta.url));
    const { child, ready } = await JsonLineChild.start<{ port: number; pid: number }>(script, [dataDir, '{}', ...(distDir ? [distDir] : [])], { label: 'produce broker' });
    return new BrokerProcess(child, ready.pid, `127.0.0.1:${ready.port}`, dataDir);
  }

  async stop(): Promise<void> {
    await this.child.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

interface Side {
  name: string;
  /** null: the mock cluster. */
  broker: BrokerProcess | null;
}

let topicNo = 0;

async function measure(side: Side, acks: string, count: number): Promise<Run> {
  const topic = `ceiling-${topicNo++}`;
  const load1 = loadavg()[0]!;
  const requestsBefore = (await side.broker?.produceRequests()) ?? 0;
  const before = side.broker ? processUsage(side.broker.pid) : null;
  const r = await runClient(side.broker?.bootstrap ?? 'mock', topic, acks, count);
  const after = side.broker ? processUsage(side.broker.pid) : null;
  const requests = ((await side.broker?.produceRequests()) ?? 0) - requestsBefore;
  const us = (secs: number | undefined): number => ((secs ?? 0) / count) * 1e6;
  return {
    rate: count / r.secs,
    loopSecs: r.loop,
    secs: r.secs,
    appUs: us(r.cpu.app),
    appShare: r.appRun / r.secs,
    appWaitShare: r.appWait / r.secs,
    librdkafkaUs: us(r.cpu.librdkafka),
    mockUs: us(r.cpu.mock),
    brokerUs: before && after ? us(after.cpu - before.cpu) : 0,
    brokerSwitches: before && after ? after.switches - before.switches : 0,
    requests,
    load1,
  };
}

const med = (xs: number[]): number => percentile(xs, 50);
const spread = (xs: number[], digits = 0): string => [Math.min(...xs), med(xs), Math.max(...xs)].map((v) => v.toFixed(digits)).join(' / ');

async function main(): Promise<void> {
  const builds: { name: string; dist: string | undefined }[] = [{ name: 'this build', dist: undefined }];
  for (const spec of (process.env.BENCH_BUILDS ?? '').split(',').filter(Boolean)) {
    const [name, dist] = spec.split('=');
    builds.push({ name: name!, dist });
  }
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const all: Record<string, Run[]> = {};
  for (const acks of ACKS) {
    const sides: Side[] = [{ name: 'mock', broker: null }];
    for (const b of builds) sides.push({ name: b.name, broker: await BrokerProcess.start(b.dist) });
    try {
      // One unmeasured run per side: JIT warm-up on Brook's side, page cache and allocator on both.
      for (const s of sides) await measure(s, acks, RECORDS);
      const runs = new Map<string, Run[]>(sides.map((s) => [s.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? sides : [...sides].reverse();
        for (const s of order) {
          const r = await measure(s, acks, RECORDS);
          runs.get(s.name)!.push(r);
          console.log(
            `  acks=${acks} ${s.name.padEnd(12)} ${(r.rate / 1000).toFixed(0).padStart(5)} k msg/s  loop ${r.loopSecs.toFixed(2)} s of ${r.secs.toFixed(2)} s  ` +
              `app thread on a CPU ${(r.appShare * 100).toFixed(0)} %, waiting ${(r.appWaitShare * 100).toFixed(0)} %  CPU µs/record: app ${r.appUs.toFixed(2)} librdkafka ${r.librdkafkaUs.toFixed(2)} mock ${r.mockUs.toFixed(2)} broker ${r.brokerUs.toFixed(2)}  ${r.requests ? `${(RECORDS / r.requests).toFixed(0)} records/request  ` : ''}load ${r.load1.toFixed(1)}`,
          );
        }
      }
      const mock = runs.get('mock')!;
      const mockRate = med(mock.map((r) => r.rate));
      rows.push({ name: `librdkafka mock cluster 100 B acks=${acks} (client ceiling)`, value: mockRate, unit: 'msg/s' });
      notes.push(`acks=${acks} mock msg/s min/median/max ${spread(mock.map((r) => r.rate))}; app thread's share of a core ${spread(mock.map((r) => r.appShare), 2)}, waiting for one ${spread(mock.map((r) => r.appWaitShare), 2)}; client CPU µs/record app ${spread(mock.map((r) => r.appUs), 2)}, librdkafka ${spread(mock.map((r) => r.librdkafkaUs), 2)}, mock broker ${spread(mock.map((r) => r.mockUs), 2)}`);
      for (const b of builds) {
        const mine = runs.get(b.name)!;
        rows.push({
          name: `librdkafka → Brook (${b.name}) 100 B acks=${acks} vs client ceiling`,
          value: med(mine.map((r) => r.rate)),
          unit: 'msg/s',
          baseline: { name: 'mock cluster', value: mockRate },
          ...(acks === '1' ? { targetRatio: 0.95 } : {}),
        });
        rows.push({ name: `Brook (${b.name}) CPU per record acks=${acks}`, value: med(mine.map((r) => r.brokerUs)), unit: 'µs' });
        notes.push(
          `acks=${acks} ${b.name} msg/s min/median/max ${spread(mine.map((r) => r.rate))}; broker CPU µs/record ${spread(mine.map((r) => r.brokerUs), 3)}; ` +
            `broker context switches per 1000 records ${spread(mine.map((r) => (r.brokerSwitches / RECORDS) * 1000), 2)}; records per Produce request ${spread(mine.map((r) => RECORDS / r.requests))}; app thread's share of a core ${spread(mine.map((r) => r.appShare), 2)}, waiting for one ${spread(mine.map((r) => r.appWaitShare), 2)}; client CPU µs/record app ${spread(mine.map((r) => r.appUs), 2)}, librdkafka ${spread(mine.map((r) => r.librdkafkaUs), 2)}`,
        );
      }
      for (const [name, rs] of runs) all[`acks=${acks} ${name}`] = rs;
      notes.push(`acks=${acks} load average per run: ${[...runs.values()].flat().map((r) => r.load1.toFixed(1)).join(', ')}`);
    } finally {
      for (const s of sides) await s.broker?.stop();
    }
  }
  notes.push(`${ROUNDS} rounds per acks, alternated (ABBA); ${RECORDS} records of ${SIZE} B per run, one partition, linger.ms 5, batch.size 1,000,000; each side warmed up with one unmeasured run`);
  report('produce-ceiling', rows, notes, { runs: all });
}

await main();
