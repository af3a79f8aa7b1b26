// The admin APIs at every version through a raw wire client: exact error codes, sources,
// pagination and persistence that real clients only partly expose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ConfigSource } from '../../src/broker/config/broker-config.js';
import { ZERO_UUID } from '../../src/broker/topics/topic-ids.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const TOPIC = 2;
const BROKER = 4;
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

let b: TestBroker;
let c: WireClient;
before(async () => {
  b = await startTestBroker();
  c = await WireClient.connect(b.port);
});
after(async () => {
  c.close();
  await b.close();
});

async function createTopic(name: string, partitions = 1, configs: Record<string, string> = {}): Promise<string> {
  const res = await c.request(apis.CreateTopics, 7, {
    topics: [{ name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })) }],
    timeoutMs: 1000,
    validateOnly: false,
  });
  assert.equal(res.topics[0]!.errorCode, ErrorCode.NONE, res.topics[0]!.errorMessage ?? '');
  return res.topics[0]!.topicId;
}

async function describe(resourceType: number, resourceName: string, keys: string[] | null = null, version = 4) {
  const res = await c.request(apis.DescribeConfigs, version, {
    resources: [{ resourceType, resourceName, configurationKeys: keys }],
    includeSynonyms: true,
    includeDocumentation: true,
  });
  return res.results[0]!;
}

async function incremental(resourceType: number, resourceName: string, configs: { name: string; configOperation: number; value: string | null }[], validateOnly = false) {
  const res = await c.request(apis.IncrementalAlterConfigs, 1, { resources: [{ resourceType, resourceName, configs }], validateOnly });
  return res.responses[0]!;
}

test('DescribeConfigs answers every version with Kafka names, sources, synonyms, types and docs', async () => {
  await createTopic('dc-topic', 1, { 'retention.ms': '1000' });
  for (let v = 0; v <= 4; v++) {
    const r = await describe(TOPIC, 'dc-topic', null, v);
    assert.equal(r.errorCode, ErrorCode.NONE);
    const retention = r.configs.find((x) => x.name === 'retention.ms')!;
    assert.equal(retention.value, '1000');
    const segment = r.configs.find((x) => x.name === 'segment.bytes')!;
    assert.equal(segment.value, '1073741824');
    if (v === 0) {
      assert.equal(retention.isDefault, false);
      assert.equal(segment.isDefault, true);
    } else {
      assert.equal(retention.configSource, ConfigSource.DYNAMIC_TOPIC_CONFIG);
      assert.equal(segment.configSource, ConfigSource.DEFAULT_CONFIG);
      assert.equal(retention.synonyms[0]!.source, ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
    if (v >= 3) {
      assert.equal(retention.configType, 5); // LONG
      assert.match(retention.documentation ?? '', /kept/);
    }
  }
  const filtered = await describe(TOPIC, 'dc-topic', ['cleanup.policy', 'no.such.key']);
  assert.deepEqual(filtered.configs.map((x) => x.name), ['cleanup.policy']);
  assert.equal(filtered.configs[0]!.configType, 7); // LIST
});

test('DescribeConfigs on the broker, cluster defaults, unknown topics and resource types', async () => {
  const node = await describe(BROKER, '0');
  assert.equal(node.errorCode, ErrorCode.NONE);
  const socketMax = node.configs.find((x) => x.name === 'socket.request.max.bytes')!;
  assert.equal(socketMax.readOnly, true);
  assert.equal(node.configs.find((x) => x.name === 'num.partitions')!.readOnly, false);
  assert.equal((await describe(BROKER, '')).errorCode, ErrorCode.NONE);
  assert.equal((await describe(BROKER, '7')).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await describe(BROKER, 'x')).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await describe(TOPIC, 'dc-missing')).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await describe(99, 'whatever')).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await describe(8, '0')).errorCode, ErrorCode.INVALID_REQUEST); // BROKER_LOGGER is not served
});

test('IncrementalAlterConfigs SET/DELETE/APPEND/SUBTRACT on a topic, with validation', async () => {
  await createTopic('iac-topic');
  const value = async (key: string) => (await describe(TOPIC, 'iac-topic', [key])).configs[0]!;
  assert.equal((await incremental(TOPIC, 'iac-topic', [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }])).errorCode, ErrorCode.NONE);
  assert.equal((await value('cleanup.policy')).value, 'delete,compact');
  assert.equal((await incremental(TOPIC, 'iac-topic', [{ name: 'cleanup.policy', configOperation: SUBTRACT, value: 'delete' }])).errorCode, ErrorCode.NONE);
  assert.equal((await value('cleanup.policy')).value, 'compact');
  await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: SET, value: '5000' }]);
  assert.equal(b.broker.state.logs.topicConfig('iac-topic')!.retentionMs, 5000);
  await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: DELETE, value: null }]);
  assert.equal((await value('retention.ms')).configSource, ConfigSource.DEFAULT_CONFIG);
  assert.equal(b.broker.state.logs.topicConfig('iac-topic')!.retentionMs, 604800000);

  const bad = await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: SET, value: '-5' }]);
  assert.equal(bad.errorCode, ErrorCode.INVALID_CONFIG);
  assert.match(bad.errorMessage ?? '', /retention\.ms must be at least -1/);
  const notList = await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: APPEND, value: '1' }]);
  assert.equal(notList.errorCode, ErrorCode.INVALID_CONFIG);
  assert.equal((await incremental(TOPIC, 'iac-topic', [{ name: 'bogus.key', configOperation: SET, value: '1' }])).errorCode, ErrorCode.INVALID_CONFIG);
  const dup = await incremental(TOPIC, 'iac-topic', [
    { name: 'retention.ms', configOperation: SET, value: '1' },
    { name: 'retention.ms', configOperation: SET, value: '2' },
  ]);
  assert.equal(dup.errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: 9, value: '1' }])).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((await incremental(TOPIC, 'iac-topic', [{ name: 'retention.ms', configOperation: SET, value: '7' }], true)).errorCode, ErrorCode.NONE);
  assert.equal((await value('retention.ms')).configSource, ConfigSource.DEFAULT_CONFIG, 'validateOnly changed nothing');
  assert.equal((await incremental(TOPIC, 'iac-missing', [{ name: 'retention.ms', configOperation: SET, value: '7' }])).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  assert.equal((await incremental(5, 'x', [])).errorCode, ErrorCode.INVALID_REQUEST);
});

test('AlterConfigs (legacy) replaces the whole override set', async () => {
  await createTopic('ac-topic', 1, { 'retention.ms': '1000', 'segment.bytes': '100000' });
  for (let v = 0; v <= 2; v++) {
    const res = await c.request(apis.AlterConfigs, v, {
      resources: [{ resourceType: TOPIC, resourceName: 'ac-topic', configs: [{ name: 'retention.ms', value: String(2000 + v) }] }],
      validateOnly: false,
    });
    assert.equal(res.responses[0]!.errorCode, ErrorCode.NONE);
  }
  assert.deepEqual(b.broker.state.topics.get('ac-topic')!.configs, { 'retention.ms': '2002' });
  const bad = await c.request(apis.AlterConfigs, 2, {
    resources: [{ resourceType: TOPIC, resourceName: 'ac-topic', configs: [{ name: 'min.cleanable.dirty.ratio', value: '2' }] }],
    validateOnly: false,
  });
  assert.equal(bad.responses[0]!.errorCode, ErrorCode.INVALID_CONFIG);
  assert.match(bad.responses[0]!.errorMessage ?? '', /between 0 and 1/);
  const twice = await c.request(apis.AlterConfigs, 2, {
    resources: [
      { resourceType: TOPIC, resourceName: 'ac-topic', configs: [] },
      { resourceType: TOPIC, resourceName: 'ac-topic', configs: [] },
    ],
    validateOnly: false,
  });
  assert.deepEqual(twice.responses.map((r) => r.errorCode), [ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  assert.deepEqual(b.broker.state.topics.get('ac-topic')!.configs, { 'retention.ms': '2002' });
});

test('dynamic broker config reaches topics without an override and survives a restart', async () => {
  const tb = await startTestBroker();
  let w = await WireClient.connect(tb.port);
  try {
    for (const [name, configs] of [['dyn-plain', []], ['dyn-override', [{ name: 'retention.ms', value: '1000' }]]] as const) {
      await w.request(apis.CreateTopics, 7, { topics: [{ name, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [...configs] }], timeoutMs: 1000, validateOnly: false });
    }
    const set = await w.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER, resourceName: '0', configs: [{ name: 'log.retention.ms', configOperation: SET, value: '3600000' }] }],
      validateOnly: false,
    });
    assert.equal(set.responses[0]!.errorCode, ErrorCode.NONE, set.responses[0]!.errorMessage ?? '');
    const clusterDefault = await w.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER, resourceName: '', configs: [{ name: 'num.partitions', configOperation: SET, value: '3' }] }],
      validateOnly: false,
    });
    assert.equal(clusterDefault.responses[0]!.errorCode, ErrorCode.NONE);
    const readOnly = await w.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: BROKER, resourceName: '0', configs: [{ name: 'socket.request.max.bytes', configOperation: SET, value: '1000' }] }],
      validateOnly: false,
    });
    assert.equal(readOnly.responses[0]!.errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal(tb.broker.state.logs.topicConfig('dyn-plain')!.retentionMs, 3600000);
    assert.equal(tb.broker.state.logs.topicConfig('dyn-override')!.retentionMs, 1000);

    w.close();
    const again = await tb.restart();
    w = await WireClient.connect(again.port);
    assert.equal(again.broker.state.logs.topicConfig('dyn-plain')!.retentionMs, 3600000);
    const d = await w.request(apis.DescribeConfigs, 4, {
      resources: [
        { resourceType: BROKER, resourceName: '0', configurationKeys: ['log.retention.ms', 'num.partitions'] },
        { resourceType: BROKER, resourceName: '', configurationKeys: null },
        { resourceType: TOPIC, resourceName: 'dyn-plain', configurationKeys: ['retention.ms'] },
      ],
      includeSynonyms: true,
      includeDocumentation: false,
    });
    const [node, defaults, topic] = d.results;
    const byName = new Map(node!.configs.map((x) => [x.name, x]));
    assert.equal(byName.get('log.retention.ms')!.value, '3600000');
    assert.equal(byName.get('log.retention.ms')!.configSource, ConfigSource.DYNAMIC_BROKER_CONFIG);
    assert.equal(byName.get('num.partitions')!.configSource, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    assert.deepEqual(defaults!.configs.map((x) => [x.name, x.value]), [['num.partitions', '3']]);
    assert.equal(topic!.configs[0]!.value, '3600000');
    assert.equal(topic!.configs[0]!.configSource, ConfigSource.DYNAMIC_BROKER_CONFIG);
    await again.close();
  } finally {
    w.close();
    await tb.close();
  }
});

test('DeleteTopics by name (v0-5) and by topic id (v6)', async () => {
  for (let v = 0; v <= 5; v++) await createTopic(`del-${v}`);
  for (let v = 0; v <= 5; v++) {
    const res = await c.request(apis.DeleteTopics, v, { topicNames: [`del-${v}`, 'del-missing'], topics: [], timeoutMs: 1000 });
    assert.deepEqual(res.responses.map((r) => [r.name, r.errorCode]), [[`del-${v}`, ErrorCode.NONE], ['del-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
  }
  const id = await createTopic('del-by-id');
  await createTopic('del-by-name');
  const res = await c.request(apis.DeleteTopics, 6, {
    topics: [
      { name: null, topicId: id },
      { name: 'del-by-name', topicId: ZERO_UUID },
      { name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' },
    ],
    topicNames: [],
    timeoutMs: 1000,
  });
  assert.deepEqual(res.responses.map((r) => [r.name, r.errorCode]), [
    ['del-by-id', ErrorCode.NONE],
    ['del-by-name', ErrorCode.NONE],
    [null, ErrorCode.UNKNOWN_TOPIC_ID],
  ]);
  assert.equal(res.responses[0]!.topicId, id);
  assert.equal(b.broker.state.topics.get('del-by-id'), undefined);
});

test('CreatePartitions grows topics, validates only, and refuses shrinking or foreign assignments', async () => {
  await createTopic('cp-topic', 2);
  for (let v = 0; v <= 3; v++) {
    const res = await c.request(apis.CreatePartitions, v, { topics: [{ name: 'cp-topic', count: 3 + v, assignments: null }], timeoutMs: 1000, validateOnly: false });
    assert.equal(res.results[0]!.errorCode, ErrorCode.NONE, res.results[0]!.errorMessage ?? '');
  }
  assert.equal(b.broker.state.topics.get('cp-topic')!.partitions, 6);
  const cases: [number, { brokerIds: number[] }[] | null, boolean, number][] = [
    [6, null, false, ErrorCode.INVALID_PARTITIONS],
    [2, null, false, ErrorCode.INVALID_PARTITIONS],
    [8, [{ brokerIds: [0] }], false, ErrorCode.INVALID_REPLICA_ASSIGNMENT],
    [7, [{ brokerIds: [3] }], false, ErrorCode.INVALID_REPLICA_ASSIGNMENT],
    [10, null, true, ErrorCode.NONE],
    [7, [{ brokerIds: [0] }], false, ErrorCode.NONE],
  ];
  for (const [count, assignments, validateOnly, expected] of cases) {
    const res = await c.request(apis.CreatePartitions, 3, { topics: [{ name: 'cp-topic', count, assignments }], timeoutMs: 1000, validateOnly });
    assert.equal(res.results[0]!.errorCode, expected, `count ${count}: ${res.results[0]!.errorMessage}`);
  }
  assert.equal(b.broker.state.topics.get('cp-topic')!.partitions, 7);
  const missing = await c.request(apis.CreatePartitions, 3, { topics: [{ name: 'cp-missing', count: 2, assignments: null }], timeoutMs: 1000, validateOnly: false });
  assert.equal(missing.results[0]!.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
});

test('DescribeCluster v0-1 and its endpoint type', async () => {
  for (let v = 0; v <= 1; v++) {
    const res = await c.request(apis.DescribeCluster, v, { includeClusterAuthorizedOperations: true, endpointType: 1 });
    assert.equal(res.errorCode, ErrorCode.NONE);
    assert.deepEqual(res.brokers.map((x) => [x.brokerId, x.port]), [[0, b.port]]);
    assert.equal(res.controllerId, 0);
    assert.equal(res.clusterId, b.broker.state.clusterId);
  }
  const controllers = await c.request(apis.DescribeCluster, 1, { includeClusterAuthorizedOperations: false, endpointType: 2 });
  assert.equal(controllers.errorCode, ErrorCode.MISMATCHED_ENDPOINT_TYPE);
});

test('DescribeLogDirs reports the data dir, partition sizes and (v4) the volume space', async () => {
  await createTopic('ld-topic', 2);
  for (let v = 0; v <= 4; v++) {
    const res = await c.request(apis.DescribeLogDirs, v, { topics: [{ topic: 'ld-topic', partitions: [0, 1, 9] }] });
    const dir = res.results[0]!;
    assert.equal(dir.errorCode, ErrorCode.NONE);
    assert.equal(dir.logDir, b.dataDir);
    assert.deepEqual(dir.topics[0]!.partitions.map((p) => [p.partitionIndex, p.offsetLag]), [[0, 0n], [1, 0n]]);
    if (v >= 4) assert.ok(dir.totalBytes > 0n && dir.usableBytes > 0n && dir.usableBytes <= dir.totalBytes);
  }
  const all = await c.request(apis.DescribeLogDirs, 4, { topics: null });
  assert.ok(all.results[0]!.topics.some((t) => t.name === 'ld-topic'));
});

test('DescribeTopicPartitions pages with a cursor and a partition limit', async () => {
  await createTopic('dtp-a', 3);
  await createTopic('dtp-b', 2);
  const topics = [{ name: 'dtp-b' }, { name: 'dtp-a' }, { name: 'dtp-missing' }];
  const first = await c.request(apis.DescribeTopicPartitions, 0, { topics, responsePartitionLimit: 2, cursor: null });
  assert.deepEqual(first.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['dtp-a', [0, 1]]]);
  assert.deepEqual(first.nextCursor, { topicName: 'dtp-a', partitionIndex: 2 });
  const second = await c.request(apis.DescribeTopicPartitions, 0, { topics, responsePartitionLimit: 2, cursor: first.nextCursor });
  assert.deepEqual(second.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)]), [['dtp-a', [2]], ['dtp-b', [0]]]);
  const third = await c.request(apis.DescribeTopicPartitions, 0, { topics, responsePartitionLimit: 2, cursor: second.nextCursor });
  assert.deepEqual(third.topics.map((t) => [t.name, t.errorCode, t.partitions.length]), [['dtp-b', 0, 1], ['dtp-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 0]]);
  assert.equal(third.nextCursor, null);
  const all = await c.request(apis.DescribeTopicPartitions, 0, { topics: [], responsePartitionLimit: 2000, cursor: null });
  assert.ok(all.topics.some((t) => t.name === 'dtp-a' && t.partitions.length === 3 && t.partitions[0]!.leaderId === 0));
});
