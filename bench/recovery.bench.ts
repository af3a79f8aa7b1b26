// Recovery after kill -9 (`npm run bench -- recovery`): a `brook start` process takes 1 GiB of 1 KiB
// records into one partition (kcat, acks=1), is killed with SIGKILL, and is started again on the same
// data directory. Measured: process start to listening, and to the first record fetched from the
// beginning (kcat -C, retried until it answers), beside a `brook start` on an empty data directory in
// the same round (what the process start alone costs on this machine, at this moment). The issue's
// target is the recovery's share, <= 0.5 s: restart to first fetch, less the empty start and kcat's
// own start-and-fetch time (the same fetch repeated on the warm broker). Segments are recovered before
// the broker listens, and the same pass rebuilds the partition's producer state; whatever the first
// fetch (librdkafka reads committed, so it needs that state) still has to replay shows after listening.
//   RECOVERY_ROUNDS (default 3), RECOVERY_MIB (default 1024).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, report, type BenchRow } from './harness.js';
import { repoRoot } from '../test/helpers/paths.js';
import { createTopic, payloadFile, produce } from './vs-kafka/workloads.js';

const ROUNDS = Math.max(1, Number(process.env.RECOVERY_ROUNDS ?? 3));
const MIB = Math.max(16, Number(process.env.RECOVERY_MIB ?? 1024));
const SIZE = 1024;
const COUNT = MIB * 1024;

interface Started {
  child: ChildProcess;
  port: number;
  /** Seconds from spawn to the "listening on" line. */
  listeningS: number;
  startedAt: number;
}

function startBrook(dataDir: string, port = 0): Promise<Started> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'dist', 'src', 'cli', 'main.js'), 'start', '--port', String(port), '--no-http', '--data-dir', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening on\s+\S+:(\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), listeningS: (performance.now() - startedAt) / 1000, startedAt });
    });
    child.once('exit', (code) => reject(new Error(`brook start exited ${code}: ${err.slice(-2000)}`)));
  });
}

async function stop(s: Started, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => s.child.once('exit', () => resolve()));
  s.child.kill(signal);
  await exited;
}

/** Seconds from `since` (performance.now()) until kcat fetches the partition's first record. */
function firstFetchS(s: Started, topic: string, since: number): number {
  for (let tries = 0; tries < 2000; tries++) {
    const r = spawnSync('kcat', ['-C', '-b', `127.0.0.1:${s.port}`, '-t', topic, '-p', '0', '-o', 'beginning', '-c', '1', '-e', '-q'], { timeout: 30_000 });
    if (r.status === 0 && r.stdout.length > 0) return (performance.now() - since) / 1000;
  }
  throw new Error('no record fetched after restart');
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'brook-recovery-'));
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const toFetch: number[] = [];
  const toListen: number[] = [];
  const empty: number[] = [];
  const kcatOwn: number[] = [];
  try {
    const file = await payloadFile(work, SIZE, COUNT);
    for (let round = 0; round < ROUNDS; round++) {
      const dataDir = join(work, `data-${round}`);
      const first = await startBrook(dataDir);
      const bootstrap = `127.0.0.1:${first.port}`;
      await createTopic(bootstrap, 'big', 1);
      await produce(bootstrap, 'big', file, COUNT, '1');
      await stop(first, 'SIGKILL');
      // The empty start first, so the page cache holds the log as it would right after the crash.
      const emptyDir = join(work, `empty-${round}`);
      const e = await startBrook(emptyDir);
      empty.push(e.listeningS);
      await stop(e, 'SIGTERM');
      const again = await startBrook(dataDir, first.port);
      toListen.push(again.listeningS);
      toFetch.push(firstFetchS(again, 'big', again.startedAt));
      // The same fetch again, the broker warm: what kcat's own start, metadata and fetch cost.
      kcatOwn.push(firstFetchS(again, 'big', performance.now()));
      await stop(again, 'SIGTERM');
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(emptyDir, { recursive: true, force: true });
      console.log(`  round ${round + 1}: restart to listening ${toListen[round]!.toFixed(2)} s, to first fetch ${toFetch[round]!.toFixed(2)} s (kcat's own fetch ${kcatOwn[round]!.toFixed(2)} s); empty start to listening ${empty[round]!.toFixed(2)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const med = (xs: number[]) => percentile(xs, 50);
  const spread = (xs: number[]) => `min ${Math.min(...xs).toFixed(2)} / median ${med(xs).toFixed(2)} / max ${Math.max(...xs).toFixed(2)} s`;
  // Segment recovery happens before listening; the producer-state replay on the partition's first
  // use, after it. Both are the recovery's: to first fetch, less the empty start and kcat's own part.
  const recovery = toFetch.map((t, i) => t - empty[i]! - kcatOwn[i]!);
  rows.push({ name: `restart after kill -9 with ${MIB} MiB: to first fetch, s`, value: med(toFetch), unit: 's', baseline: { name: 'empty data dir to listening', value: med(empty) } });
  rows.push({ name: `restart after kill -9 with ${MIB} MiB: to listening, s`, value: med(toListen), unit: 's', baseline: { name: 'empty data dir to listening', value: med(empty) } });
  rows.push({ name: "recovery share (to first fetch, less the empty start and kcat's own fetch), s", value: med(recovery), unit: 's' });
  rows.push({ name: 'first fetch after listening (producer-state replay), s', value: med(toFetch.map((t, i) => t - toListen[i]! - kcatOwn[i]!)), unit: 's' });
  notes.push(`to first fetch: ${spread(toFetch)}; to listening: ${spread(toListen)}; empty start: ${spread(empty)}; kcat's own fetch: ${spread(kcatOwn)}`);
  notes.push(`target (issue 17): recovery share <= 0.5 s: ${med(recovery) <= 0.5 ? 'met' : 'MISSED'} (${spread(recovery)})`);
  report('recovery', rows, notes);
}

await main();
