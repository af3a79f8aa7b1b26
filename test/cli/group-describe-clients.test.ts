// `brook group describe` for a group whose members are other clients: librdkafka through `kcat -G`
// and confluent_kafka (subscription and assignment in librdkafka's own protocol versions) show their
// member rows and assignments, decoded leniently; and the lenient decoder on bytes of every shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startTestTarget, type TestTarget } from '../helpers/target.js';
import { expectSuccess } from '../helpers/processes.js';
import { clients, skipUnless } from '../helpers/real-clients.js';
import { decodeAssignment, decodeSubscriptionTopics } from '../../src/client/index.js';
import { startPythonConsumer } from '../broker/groups/python-consumer.js';
import { brook, tableRows } from './cli-harness.js';

let tb: TestTarget;
before(async () => {
  tb = await startTestTarget({ config: { 'group.initial.rebalance.delay.ms': '0' }, privateCluster: true });
});
after(async () => {
  await tb.close();
});

/** Rows of the MEMBERS table: [member-id, client-id, host, instance-id, assignment]. */
function memberRows(stdout: string): string[][] {
  const rows = tableRows(stdout);
  const header = rows.findIndex((r) => r[0] === 'MEMBER-ID');
  const end = rows.findIndex((r, i) => i > header && (r[0] === 'PARTITIONS' || r[0] === ''));
  return rows.slice(header + 1, end < 0 ? undefined : end);
}

const skip = skipUnless(clients.kcat(), 'kcat') || skipUnless(clients.confluentKafka(), 'confluent-kafka');

test('group describe shows kcat -G and confluent_kafka members and their assignments', { skip }, async () => {
  expectSuccess(await brook(tb.bootstrap, ['topic', 'create', 'kc-orders', '-p', '2']), 'create');
  expectSuccess(await brook(tb.bootstrap, ['produce', 'kc-orders', '-k', ':', '-q'], { input: '0:a\n1:b\n' }), 'produce');
  // -G runs until killed; it prints each record once it is assigned and fetching.
  const kcat = spawn('kcat', ['-b', tb.bootstrap, '-G', 'kc-group', '-X', 'client.id=kcat-member', '-o', 'beginning', '-u', 'kc-orders'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const guard = setTimeout(() => kcat.kill('SIGKILL'), 60_000); // a hang fails the test instead of stalling it
  try {
    let out = '';
    let err = '';
    kcat.stderr.on('data', (b: Buffer) => (err += b.toString()));
    await new Promise<void>((resolve, reject) => {
      kcat.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.split('\n').filter((l) => l !== '').length >= 2) resolve();
      });
      kcat.on('exit', (code) => reject(new Error(`kcat exited ${code}: ${err}`)));
    });

    const described = await brook(tb.bootstrap, ['group', 'describe', 'kc-group']);
    expectSuccess(described, 'group describe');
    assert.match(described.stdout, /^State\s+Stable$/m);
    assert.match(described.stdout, /^Members\s+1$/m);
    const members = memberRows(described.stdout);
    assert.equal(members.length, 1, described.stdout);
    assert.equal(members[0]![1], 'kcat-member');
    assert.equal(members[0]![4], 'kc-orders[0,1]');

    // A confluent_kafka member joins: after the rebalance each member owns one partition.
    const ck = startPythonConsumer('ck', { bootstrap: tb.bootstrap, group: 'kc-group', topic: 'kc-orders', clientId: 'ck-member', assignor: 'range' });
    try {
      await ck.waitFor((e) => e.ev === 'assigned' && (e.parts as number[]).length === 1);
      let rows: string[][] = [];
      // Bounded: kcat may still be finishing its side of the rebalance when ck reports its assignment.
      for (let i = 0; i < 40; i++) {
        const d = await brook(tb.bootstrap, ['group', 'describe', 'kc-group']);
        expectSuccess(d, 'group describe (two members)');
        rows = memberRows(d.stdout);
        if (/^State\s+Stable$/m.test(d.stdout) && rows.length === 2 && rows.every((r) => r[4] !== '-')) break;
      }
      const byClient = new Map(rows.map((r) => [r[1], r[4]]));
      assert.deepEqual([...byClient.keys()].sort(), ['ck-member', 'kcat-member'], JSON.stringify(rows));
      assert.deepEqual([byClient.get('ck-member'), byClient.get('kcat-member')].sort(), ['kc-orders[0]', 'kc-orders[1]']);
    } finally {
      ck.kill();
      await ck.exited;
    }
  } finally {
    clearTimeout(guard);
    if (kcat.pid !== undefined && kcat.exitCode === null) process.kill(kcat.pid, 'SIGKILL');
  }
});

/** Kafka's non-flexible encodings, for hand-built consumer protocol bytes. */
const i16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const i32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const str = (s: string) => Buffer.concat([i16(Buffer.byteLength(s)), Buffer.from(s)]);

test('consumer protocol bytes of any version and shape decode leniently', () => {
  const topicsV0 = Buffer.concat([i32(2), str('a'), str('b'), i32(-1)]);
  // v0; v1 label on a v0 body (@platformatic/kafka 1.35); v3 with owned partitions, generation, rack.
  assert.deepEqual(decodeSubscriptionTopics(Buffer.concat([i16(0), topicsV0])), ['a', 'b']);
  assert.deepEqual(decodeSubscriptionTopics(Buffer.concat([i16(1), topicsV0])), ['a', 'b']);
  const v3 = Buffer.concat([i16(3), topicsV0, i32(1), str('a'), i32(1), i32(0), i32(7), i16(-1)]);
  assert.deepEqual(decodeSubscriptionTopics(v3), ['a', 'b']);
  // Assignment with null user data (Java, KafkaJS), empty (between JoinGroup and SyncGroup), truncated.
  const assignment = Buffer.concat([i16(0), i32(1), str('a'), i32(2), i32(0), i32(3), i32(-1)]);
  assert.deepEqual(decodeAssignment(assignment), [{ topic: 'a', partitions: [0, 3] }]);
  assert.deepEqual(decodeAssignment(Buffer.concat([i16(3), i32(0), i32(0)])), []);
  assert.equal(decodeAssignment(Buffer.alloc(0)), null);
  assert.equal(decodeAssignment(assignment.subarray(0, 12)), null);
  assert.equal(decodeAssignment(Buffer.concat([i16(0), i32(0x7fffffff)])), null, 'a huge count is refused, not allocated');
});
