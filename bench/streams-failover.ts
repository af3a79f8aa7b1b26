// The failover part of the streams benchmark: three instances of a keyed count share six stateful
// tasks over a pre-loaded state (a changelog of STATE records); input keeps flowing; one instance
// holding stateful tasks is SIGKILLed. Measured: the time from the kill until every task it ran
// has processed a record again on a survivor ("processing resumes"), and how many changelog records
// those tasks restored. Run once without standbys (the new owner restores the whole changelog) and
// once with one standby per task (it takes over warm state and restores only the tail).
// The floor is the session timeout: the group only notices a SIGKILLed member when its session
// expires; the time after that is rebalance plus restore.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createAdmin, createConsumer, createProducer } from '../src/client/index.js';
import { defaultPartition } from '../src/streams/index.js';

const PARTITIONS = 6;
const STATE = Number(process.env.STREAMS_BENCH_FAILOVER_STATE ?? 150_000);
const KEYS = Math.floor(STATE / 2);

export interface FailoverResult {
  readonly standbys: number;
  readonly sessionTimeoutMs: number;
  /** Kill -> every task of the killed instance processing again elsewhere. */
  readonly resumeMs: number;
  /** Changelog records those tasks restored on their new owners. */
  readonly restoredRecords: number;
  /** Their changelogs' size: what a full restore reads. */
  readonly changelogRecords: number;
}

interface Line {
  t: number;
  tasks: Record<string, { in: number; restored: number; restoring: boolean }>;
  standbys: Record<string, number>;
}

interface Instance {
  readonly child: ChildProcess;
  readonly lines: Line[];
  last(): Line | undefined;
}

function startInstance(args: string[]): Instance {
  const script = fileURLToPath(new URL('./streams-instance.js', import.meta.url));
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.startsWith('{')) lines.push(JSON.parse(l) as Line);
  });
  return { child, lines, last: () => lines.at(-1) };
}

async function until(what: string, cond: () => boolean, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`failover bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function measureFailover(bootstrap: string, standbys: number, sessionTimeoutMs: number): Promise<FailoverResult> {
  const appId = `bench-failover-${standbys}`;
  const input = `${appId}-in`;
  const output = `${appId}-out`;
  const admin = createAdmin({ brokers: [bootstrap], clientId: 'bench-failover-admin' });
  await admin.createTopics({ topics: [input, output], partitions: PARTITIONS });
  await admin.close();
  const producer = createProducer({ brokers: [bootstrap], clientId: 'bench-failover-producer' });
  let sent = 0;
  const send = async (n: number) => {
    const messages = [];
    for (let i = 0; i < n; i++, sent++) {
      const key = Buffer.from(`k${sent % KEYS}`);
      messages.push({ topic: input, partition: defaultPartition(key, PARTITIONS), key, value: Buffer.from('x') });
    }
    await producer.send({ messages, acks: -1 });
  };
  for (let i = 0; i < STATE; i += 5_000) await send(Math.min(5_000, STATE - i));
  const args = (name: string) => [bootstrap, appId, `${appId}-${name}`, input, output, String(standbys), String(sessionTimeoutMs)];
  const instances = ['a', 'b', 'c'].map((n) => startInstance(args(n)));
  let feeding = true;
  const feeder = (async () => {
    while (feeding) {
      await send(40);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const processed = () => instances.reduce((n, x) => n + Object.values(x.last()?.tasks ?? {}).reduce((m, t) => m + t.in, 0), 0);
    const taskCount = () => instances.reduce((n, x) => n + Object.keys(x.last()?.tasks ?? {}).length, 0);
    await until('the tasks spread over three instances with the state loaded', () => taskCount() === PARTITIONS && instances.every((x) => Object.keys(x.last()?.tasks ?? {}).length > 0) && processed() >= STATE);
    if (standbys > 0) {
      await until('standbys caught up', () => instances.every((x) => Object.keys(x.last()?.standbys ?? {}).length > 0 && Object.values(x.last()!.standbys).every((lag) => lag < 1_000)));
    }
    const victim = instances[0]!;
    const moved = Object.keys(victim.last()!.tasks);
    const survivors = instances.slice(1);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const resumedOn = (id: string, x: Instance, since: number) => x.lines.find((l) => l.t >= since && (l.tasks[id]?.in ?? 0) > 0 && !l.tasks[id]!.restoring);
    await until('every task of the killed instance processing again', () => moved.every((id) => survivors.some((x) => resumedOn(id, x, killedAt))));
    let resumedAt = killedAt;
    let restored = 0;
    for (const id of moved) {
      const found = survivors.map((x) => resumedOn(id, x, killedAt)).filter((l): l is Line => l !== undefined).sort((p, q) => p.t - q.t)[0]!;
      resumedAt = Math.max(resumedAt, found.t);
      restored += found.tasks[id]!.restored;
    }
    // What a full restore of those tasks would read: their changelog partitions' end offsets (uncompacted).
    const changelog = `${appId}-fo-counts-changelog`;
    const partitions = moved.map((id) => Number(id.split('_')[1]));
    const reader = createConsumer({ brokers: [bootstrap], clientId: 'bench-failover-offsets' }, { groupId: `${appId}-offsets`, autocommit: false });
    const ends = await reader.listOffsets({ topics: [changelog], partitions: { [changelog]: partitions }, timestamp: -1n });
    await reader.close();
    const changelogRecords = partitions.reduce((n, p) => n + Number(ends.get(changelog)?.[p] ?? 0n), 0);
    return { standbys, sessionTimeoutMs, resumeMs: resumedAt - killedAt, restoredRecords: restored, changelogRecords };
  } finally {
    feeding = false;
    await feeder;
    await producer.close();
    for (const x of instances) if (x.child.exitCode === null && x.child.signalCode === null) x.child.kill('SIGKILL');
  }
}
