// The brokers the vs-kafka benchmark compares, each as its own process so its CPU time and memory
// can be read from /proc/<pid>: Brook (`brook start`, its defaults) and Apache Kafka (the
// reference broker of test/helpers/kafka-broker.ts with Kafka's own JVM settings), once with
// Kafka's defaults and once with log.flush.interval.messages=1 (an fsync per append, as Brook
// does for acks=all).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../test/helpers/paths.js';
import { startKafkaBroker } from '../../test/helpers/kafka-broker.js';

export type SystemName = 'brook' | 'kafka' | 'kafka-flush1';

export interface RunningSystem {
  readonly name: SystemName;
  readonly bootstrap: string;
  readonly pid: number;
  readonly startMs: number;
  stop(): Promise<void>;
}

/** A Kafka single node as a user runs it: its defaults, plus one replica for internal topics. */
const KAFKA_SINGLE_NODE: Record<string, string> = {
  'offsets.topic.replication.factor': '1',
  'transaction.state.log.replication.factor': '1',
  'transaction.state.log.min.isr': '1',
  'share.coordinator.state.topic.replication.factor': '1',
  'share.coordinator.state.topic.min.isr': '1',
};

const CLK_TCK = 100; // USER_HZ on Linux (sysconf(_SC_CLK_TCK)); /proc times are in these ticks

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name, which may itself hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resident set size now and at its peak, in MiB. */
export function memory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024 };
}

/**
 * `brook start` with its defaults, but every listener on a free port (another Brook on this machine
 * must not make the start fail). BROOK_BENCH_NODE_ARGS adds Node flags, e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof` to profile the broker during a run.
 */
async function startBrook(): Promise<RunningSystem> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'brook-vs-kafka-'));
  const nodeArgs = (process.env.BROOK_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const listeners = ['--port', '0', '--http-port', '0', '--mqtt-port', '0', '--amqp-port', '0'];
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'start', ...listeners, '--data-dir', join(dir, 'data'), '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid!;
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on\s+\S+:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`brook start exited: ${err}`)));
  });
  return {
    name: 'brook',
    bootstrap: `127.0.0.1:${port}`,
    pid,
    startMs: Date.now() - started,
    stop: async () => {
      child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(guard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startKafka(name: 'kafka' | 'kafka-flush1'): Promise<RunningSystem> {
  const config = name === 'kafka' ? KAFKA_SINGLE_NODE : { ...KAFKA_SINGLE_NODE, 'log.flush.interval.messages': '1' };
  const k = await startKafkaBroker({ config, jvm: 'production' });
  return { name, bootstrap: k.bootstrap, pid: k.pid, startMs: k.startMs, stop: () => k.stop(30_000) };
}

export function startSystem(name: SystemName): Promise<RunningSystem> {
  return name === 'brook' ? startBrook() : startKafka(name);
}
