// guarantee: 'exactly-once' end to end. A word count through a repartition topic runs in two
// instances, one a child process that is SIGKILLed while input keeps arriving (so it dies with a
// transaction open); the survivor takes over. Read read_committed, the output has no duplicate
// and no gap: per word, the counts are exactly 1, 2, ..., n, and the final state counts every
// input once. Then: a clean restart continues the counts exactly, and an instance killed
// mid-transaction restarts on its own (persistent, uncheckpointed) state dir with exact counts.
// Run with guarantee 'at-least-once', the first test failed when tried (the final counts never
// matched: duplicated repartition records are counted again).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { KeyValueStore, RunningApp } from '../../src/streams/index.js';
import { apis } from '../../src/protocol/messages/index.js';
import { RawClient } from '../broker/data-path-helpers.js';
import { startTestTarget, uniqueName, type TestTarget } from '../helpers/target.js';
import { EOS_INPUT, EOS_OUTPUT, EOS_STORE, eosCountApp } from './fixtures/eos-count.js';
import { createTopics, produce, readCommitted, readTopic, waitFor, type RawRecord } from './helpers/kafka.js';

let broker: TestTarget;
before(async () => {
  broker = await startTestTarget({
    config: {
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '500',
      // The killed instance's open transaction is aborted by the coordinator after its timeout
      // (3 s in these tests); check often so read_committed readers are not held back long.
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': '200',
    },
  });
});
after(async () => {
  await broker.close();
});

const WORDS = ['apple', 'pear', 'fig', 'kiwi', 'plum', 'lime', 'date', 'yuzu', 'sloe'];

function words(from: number, count: number): Array<{ key: string; value: string; timestamp: number }> {
  return Array.from({ length: count }, (_, j) => {
    const i = from + j;
    return { key: `k${i % 13}`, value: WORDS[(i * 7 + (i >> 3)) % WORDS.length]!, timestamp: 1_000 + i };
  });
}

function expectedCounts(n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of words(0, n)) out.set(r.value, (out.get(r.value) ?? 0) + 1);
  return out;
}

function storeCounts(app: RunningApp): Map<string, number> {
  const out = new Map<string, number>();
  for (let p = 0; p < 4; p++) for (const [k, v] of app.store<KeyValueStore<string, number>>(EOS_STORE, p)?.all() ?? []) out.set(k, Number(v));
  return out;
}

/** One output record per input word: the sum of the counts. */
const outputsOf = (expected: Map<string, number>) => [...expected.values()].reduce((a, b) => a + b, 0);

const sameCounts = (a: Map<string, number>, b: Map<string, number>) => a.size === b.size && [...b].every(([k, v]) => a.get(k) === v);

/** Per word, the committed outputs in offset order must be exactly 1..n: no duplicate, no gap. */
function assertExactlyOnceOutputs(out: readonly RawRecord[], expected: Map<string, number>): void {
  const perKey = new Map<string, number[]>();
  for (const r of out) {
    const k = r.key!.toString();
    let list = perKey.get(k);
    if (!list) perKey.set(k, (list = []));
    list.push(Number(r.value!.readBigInt64BE(0)));
  }
  for (const [word, n] of expected) {
    assert.deepEqual(perKey.get(word), Array.from({ length: n }, (_, i) => i + 1), `outputs for '${word}'`);
  }
  assert.equal(perKey.size, expected.size);
}

interface Progress {
  event: string;
  recordsIn?: number;
  tasks?: string[];
}

function startChild(appId: string, clientId: string, commitIntervalMs: number, extra: string[] = []): { child: ChildProcess; last: () => Progress | undefined; lines: Progress[] } {
  const script = fileURLToPath(new URL('./fixtures/eos-count-instance.js', import.meta.url));
  const child = spawn(process.execPath, [script, broker.bootstrap, appId, clientId, String(commitIntervalMs), ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Progress[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    if (l.startsWith('{')) lines.push(JSON.parse(l) as Progress);
  });
  return { child, lines, last: () => lines.at(-1) };
}

test('exactly-once: an instance SIGKILLed mid-transaction; the survivor takes over; no duplicate or lost count', async () => {
  const appId = uniqueName('eos-failover');
  const [inTopic, outTopic] = [uniqueName(EOS_INPUT), uniqueName(EOS_OUTPUT)];
  await createTopics(broker.bootstrap, { [inTopic]: 4, [outTopic]: 4 });
  // The child commits only when told (and on rebalances), so what it processes after that
  // commit stays in an open transaction until it is killed.
  const a = startChild(appId, `${appId}-child`, 60_000, [inTopic, outTopic]);
  try {
    await waitFor(() => a.lines.some((l) => l.event === 'ready'), 'child instance ready', 60_000);
    const b = await eosCountApp({ appId, bootstrap: broker.bootstrap, clientId: `${appId}-survivor`, transactionTimeoutMs: 3000, input: inTopic, output: outTopic }).start();
    try {
      await b.ready;
      // Two sub-topologies of 4 partitions: 8 tasks shared by the two instances.
      await waitFor(() => b.tasks().length > 0 && (a.last()?.tasks?.length ?? 0) > 0 && a.last()!.tasks!.length + b.tasks().length === 8, 'tasks shared by both instances', 60_000);
      const total = 4_000;
      await produce(broker.bootstrap, inTopic, words(0, 1_000), 4);
      await waitFor(() => (a.last()?.recordsIn ?? 0) > 200, 'the child processing', 60_000);
      a.child.stdin!.write('commit\n');
      await waitFor(() => a.lines.some((l) => l.event === 'committed'), 'a transaction of the child committed', 60_000);
      // Keep input flowing; kill the child once it has processed more since its commit.
      const before = a.lines.find((l) => l.event === 'committed')!.recordsIn!;
      let produced = 1_000;
      const feeding = (async () => {
        for (; produced < total; produced += 250) await produce(broker.bootstrap, inTopic, words(produced, 250), 4);
      })();
      await waitFor(() => (a.lines.filter((l) => l.event === 'progress').at(-1)?.recordsIn ?? 0) > before, 'the child processing after its commit', 60_000);
      // Kill the child once its open transaction has records in the log.
      await transactionUnderWay(`${appId}-child`);
      a.child.kill('SIGKILL');
      await feeding;
      await waitFor(() => b.tasks().length === 8, 'the survivor took over every task', 60_000);
      const expected = expectedCounts(total);
      await waitFor(() => sameCounts(storeCounts(b), expected), 'every input counted', 30_000);
      await b.commit();
      assert.deepEqual(new Map([...storeCounts(b)].sort()), new Map([...expected].sort()));
      assertExactlyOnceOutputs(await readCommitted(broker.bootstrap, outTopic, outputsOf(expected)), expected);
      // The log itself holds more than the committed view: the killed instance's open transaction
      // was aborted, and a read_committed reader never saw it.
      const repartition = `${appId}-eos-by-word-repartition`;
      const written = (await readTopic(broker.bootstrap, outTopic)).length + (await readTopic(broker.bootstrap, repartition)).length;
      const visible = (await readTopic(broker.bootstrap, outTopic, true)).length + (await readTopic(broker.bootstrap, repartition, true)).length;
      assert.ok(written > visible, `aborted writes exist in the log (${written} records, ${visible} committed)`);
    } finally {
      await b.close();
    }
  } finally {
    if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
  }
});

test('exactly-once: a restarted instance continues the counts exactly', async () => {
  const appId = uniqueName('eos-restart');
  const bootstrap = broker.bootstrap;
  // Own topics per test: the failover test's output must not mix in.
  const inTopic = uniqueName('eos-restart-words');
  const outTopic = uniqueName('eos-restart-out');
  await createTopics(bootstrap, { [inTopic]: 4, [outTopic]: 4 });
  const start = () => {
    const app = eosCountApp({ appId, bootstrap, clientId: `${appId}-1`, transactionTimeoutMs: 3000, input: inTopic, output: outTopic });
    return app.start();
  };
  await produce(bootstrap, inTopic, words(0, 500), 4);
  const first = await start();
  try {
    await first.ready;
    await waitFor(() => sameCounts(storeCounts(first), expectedCounts(500)), 'first run counted its input', 60_000).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}: tasks ${first.tasks().join(',')}, counts ${JSON.stringify([...storeCounts(first)])}, metrics ${JSON.stringify(first.metrics())}`, { cause: e });
    });
  } finally {
    await first.close();
  }
  await produce(bootstrap, inTopic, words(500, 500), 4);
  const second = await start();
  try {
    await second.ready;
    const expected = expectedCounts(1_000);
    await waitFor(() => sameCounts(storeCounts(second), expected), 'second run counted the rest', 60_000);
    await second.commit();
    assertExactlyOnceOutputs(await readCommitted(bootstrap, outTopic, outputsOf(expected)), expected);
  } finally {
    await second.close();
  }
});

/**
 * Waits until `transactionalId`'s open transaction has records in the log, so a kill now leaves
 * aborted writes behind. The coordinator lists a partition as soon as AddPartitionsToTxn names it,
 * before any produce lands (a kill then leaves nothing to abort), so the test also asks the
 * partitions' leader (DescribeProducers, KIP-664) for where that producer's open transaction starts.
 */
async function transactionUnderWay(transactionalId: string): Promise<void> {
  const raw = await RawClient.open(broker.port);
  try {
    await waitFor(async () => {
      const state = (await raw.request(apis.DescribeTransactions, 0, { transactionalIds: [transactionalId] })).transactionStates[0];
      if (state?.transactionState !== 'Ongoing') return false;
      const topics = state.topics.filter((t) => t.topic !== '__consumer_offsets').map((t) => ({ name: t.topic, partitionIndexes: t.partitions }));
      if (topics.length === 0) return false;
      const described = await raw.request(apis.DescribeProducers, 0, { topics });
      return described.topics.some((t) => t.partitions.some((p) => p.activeProducers.some((a) => a.producerId === state.producerId && a.currentTxnStartOffset >= 0n)));
    }, `${transactionalId}'s transaction has records in the log`, 60_000);
  } finally {
    raw.close();
  }
}

test('exactly-once: an instance SIGKILLed mid-transaction restarts on its own state dir: local state wiped, restored, counts exact', async () => {
  const appId = uniqueName('eos-crash');
  const bootstrap = broker.bootstrap;
  const inTopic = uniqueName('eos-crash-words');
  const outTopic = uniqueName('eos-crash-out');
  const stateDir = mkdtempSync(join(tmpdir(), 'brook-eos-state-'));
  await createTopics(bootstrap, { [inTopic]: 4, [outTopic]: 4 });
  try {
    await produce(bootstrap, inTopic, words(0, 600), 4);
    const a = startChild(appId, `${appId}-1`, 60_000, [inTopic, outTopic, stateDir]);
    try {
      await waitFor(() => (a.last()?.recordsIn ?? 0) >= 600, 'the child processed the first input', 60_000);
      a.child.stdin!.write('commit\n');
      await waitFor(() => a.lines.some((l) => l.event === 'committed'), 'a transaction of the child committed', 60_000);
      await produce(bootstrap, inTopic, words(600, 400), 4);
      await transactionUnderWay(`${appId}-1`);
      a.child.kill('SIGKILL');
    } finally {
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    }
    // Same client id, same state dir: its InitProducerId fences the dead incarnation (whose open
    // transaction the coordinator aborts at once), and its stores, with no checkpoint, start empty.
    const b = await eosCountApp({ appId, bootstrap, clientId: `${appId}-1`, transactionTimeoutMs: 3000, input: inTopic, output: outTopic, stateDir }).start();
    try {
      await b.ready;
      const expected = expectedCounts(1_000);
      await waitFor(() => sameCounts(storeCounts(b), expected), 'every input counted', 60_000);
      await b.commit();
      assertExactlyOnceOutputs(await readCommitted(bootstrap, outTopic, outputsOf(expected)), expected);
    } finally {
      await b.close();
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
