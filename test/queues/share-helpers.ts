// Shared steps of the share-group tests: a broker with lock durations short enough to test
// (Kafka's own minimum, 1 s), topics with records, group configs through IncrementalAlterConfigs,
// and a bounded "until" for waiting on conditions (never a bare sleep).
import { buildRecordBatch } from '../../src/protocol/records/batch-builder.js';
import { apis } from '../../src/protocol/messages/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from '../broker/admin-wire.js';

export const SHARE_TEST_CONFIG: Record<string, string> = {
  'group.share.min.record.lock.duration.ms': '1000',
  'group.share.min.session.timeout.ms': '6000',
  'group.share.min.heartbeat.interval.ms': '1000',
};

export function startShareBroker(extra: Record<string, string> = {}): Promise<TestBroker> {
  return startTestBroker({ config: { ...SHARE_TEST_CONFIG, ...extra } });
}

/** Creates `topic` and appends `count` records (values "v0".."v{count-1}", keys "k<i>") in batches of `batch`. */
export async function seedTopic(b: TestBroker, topic: string, count: number, options: { partitions?: number; batch?: number; configs?: Record<string, string> } = {}): Promise<void> {
  const state = b.broker.state;
  if (!state.topics.get(topic)) {
    const r = await state.topics.create({ name: topic, numPartitions: options.partitions ?? 1, replicationFactor: -1, configs: options.configs ?? {} });
    if (r.errorCode !== 0) throw new Error(`creating ${topic}: ${r.errorCode} ${r.errorMessage}`);
  }
  await appendRecords(b, topic, 0, count, options.batch ?? 10);
}

/** Appends records with values v<from>..v<from+count-1> to partition 0 (or `partition`). */
export async function appendRecords(b: TestBroker, topic: string, from: number, count: number, batch = 10, partition = 0): Promise<void> {
  const log = b.broker.state.logs.getLog(topic, partition)!;
  for (let i = from; i < from + count; i += batch) {
    const n = Math.min(batch, from + count - i);
    const records = Array.from({ length: n }, (_, k) => ({ key: Buffer.from(`k${i + k}`), value: Buffer.from(`v${i + k}`) }));
    await log.append(buildRecordBatch(records), { durable: true });
  }
}

/** Sets group configs (IncrementalAlterConfigs SET on the GROUP resource); throws on an error code. */
export async function setGroupConfig(port: number, group: string, values: Record<string, string>): Promise<void> {
  const c = await WireClient.connect(port);
  try {
    const res = await c.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 32, resourceName: group, configs: Object.entries(values).map(([name, value]) => ({ name, configOperation: 0, value })) }],
      validateOnly: false,
    });
    const r = res.responses[0]!;
    if (r.errorCode !== 0) throw new Error(`group config ${JSON.stringify(values)}: error ${r.errorCode} ${r.errorMessage}`);
  } finally {
    c.close();
  }
}

/** Polls `check` until it returns a value (not undefined/false) or `limitMs` passes. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, limitMs = 30_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
