// Produce limits: an append larger than the topic's segment.bytes is RECORD_LIST_TOO_LARGE (Kafka's
// UnifiedLog.append), and while the memory alarm is set produce is refused with NOT_ENOUGH_REPLICAS
// (retriable, nothing written) while fetches go on; the alarm clears when memory is back under the
// high-water mark and the same produce then succeeds.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';
import { batchOf, createTopic, fetchBody, produce, until } from './bounds-wire.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

test('a 1.5 MiB batch to a topic with segment.bytes=1 MiB gets RECORD_LIST_TOO_LARGE (18) and writes nothing', async () => {
  const created = await createTopic(b.port, 'small-segments', 1, { 'segment.bytes': '1048576', 'max.message.bytes': '4194304' });
  assert.equal(created.errorCode, ErrorCode.NONE);
  const c = await WireClient.connect(b.port);
  try {
    const r = await produce(c, 'small-segments', 0, batchOf(3, 512 * 1024));
    assert.equal(r.errorCode, ErrorCode.RECORD_LIST_TOO_LARGE);
    assert.match(r.errorMessage ?? '', /exceeds the maximum configured segment size of 1048576/);
    const ok = await produce(c, 'small-segments', 0, batchOf(1, 512 * 1024));
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal(ok.baseOffset, 0n, 'the refused batch took no offsets');
  } finally {
    c.close();
  }
});

test('the memory alarm refuses produce with NOT_ENOUGH_REPLICAS, keeps fetch serving, and clears', async () => {
  assert.equal((await createTopic(b.port, 'alarmed', 1)).errorCode, ErrorCode.NONE);
  const c = await WireClient.connect(b.port);
  const alarm = b.broker.state.resources.alarm;
  const events: boolean[] = [];
  const off = alarm.subscribe((s) => events.push(s.active));
  try {
    assert.equal((await produce(c, 'alarmed', 0, batchOf(2, 10))).errorCode, ErrorCode.NONE);
    const setWatermark = (value: string | null) =>
      c.request(apis.IncrementalAlterConfigs, 1, {
        resources: [{ resourceType: 4, resourceName: String(b.broker.state.nodeId), configs: [{ name: 'brook.memory.high.watermark.bytes', configOperation: value === null ? 1 : 0, value }] }],
        validateOnly: false,
      });
    // One byte of resident memory: the process is over it at the next sample.
    assert.equal((await setWatermark('1')).responses[0]!.errorCode, ErrorCode.NONE);
    await until(() => alarm.active, 'the memory alarm');
    const refused = await produce(c, 'alarmed', 0, batchOf(2, 10));
    assert.equal(refused.errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
    assert.match(refused.errorMessage ?? '', /shedding load: broker memory .* high-water mark/);
    const fetched = await c.request(apis.Fetch, 12, fetchBody('alarmed', 0, 0n, 1 << 20));
    const p = fetched.responses[0]!.partitions[0]!;
    assert.equal(p.errorCode, ErrorCode.NONE);
    assert.equal(p.highWatermark, 2n, 'the refused produce wrote nothing');
    assert.ok(p.records && p.records.length > 0, 'consumers keep reading while the alarm is set');
    assert.equal((await setWatermark(null)).responses[0]!.errorCode, ErrorCode.NONE);
    await until(() => !alarm.active, 'the alarm to clear');
    const accepted = await produce(c, 'alarmed', 0, batchOf(2, 10));
    assert.equal(accepted.errorCode, ErrorCode.NONE);
    assert.equal(accepted.baseOffset, 2n);
    assert.deepEqual(events, [true, false]);
    assert.ok(b.logs.some((r) => r.msg.startsWith('memory alarm raised')));
  } finally {
    off();
    c.close();
  }
});
