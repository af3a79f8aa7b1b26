// Config, partition and deletion admin through the Node clients: KafkaJS and @platformatic/kafka.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Admin, ConfigResourceTypes, ConfigSources, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

// kafkajs is CommonJS; its enum objects are not visible as ESM named exports.
const { ConfigResourceTypes: KjsResource, Kafka, logLevel } = kafkajs;

let b: TestBroker;
before(async () => {
  b = await startTestBroker();
});
after(async () => {
  await b.close();
});

test('kafkajs admin describes and alters configs, grows and deletes a topic', async () => {
  const kafka = new Kafka({ clientId: 'kjs-admin', brokers: [b.bootstrap], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'kjs-cfg', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] }] });
    const described = await admin.describeConfigs({ resources: [{ type: KjsResource.TOPIC, name: 'kjs-cfg' }], includeSynonyms: true });
    const entries = described.resources[0]!.configEntries;
    const retention = entries.find((e) => e.configName === 'retention.ms')!;
    assert.equal(retention.configValue, '60000');
    assert.equal(retention.isDefault, false);
    assert.equal(entries.find((e) => e.configName === 'cleanup.policy')!.configValue, 'delete');

    const brokerCfg = await admin.describeConfigs({ resources: [{ type: KjsResource.BROKER, name: '0', configNames: ['message.max.bytes'] }], includeSynonyms: false });
    assert.equal(brokerCfg.resources[0]!.configEntries[0]!.configValue, '1048588');

    // Legacy AlterConfigs: the given set replaces the overrides.
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: KjsResource.TOPIC, name: 'kjs-cfg', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] });
    const after = await admin.describeConfigs({ resources: [{ type: KjsResource.TOPIC, name: 'kjs-cfg', configNames: ['cleanup.policy', 'retention.ms'] }], includeSynonyms: false });
    const byName = new Map(after.resources[0]!.configEntries.map((e) => [e.configName, e]));
    assert.equal(byName.get('cleanup.policy')!.configValue, 'compact');
    assert.equal(byName.get('retention.ms')!.isDefault, true);
    await assert.rejects(
      admin.alterConfigs({ validateOnly: false, resources: [{ type: KjsResource.TOPIC, name: 'kjs-cfg', configEntries: [{ name: 'retention.ms', value: '-7' }] }] }),
      /Configuration is invalid/, // kafkajs shows the error code's text, not the broker's message
    );

    await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-cfg', count: 4 }] });
    assert.equal((await admin.fetchTopicMetadata({ topics: ['kjs-cfg'] })).topics[0]!.partitions.length, 4);
    await assert.rejects(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-cfg', count: 2 }] }), /Number of partitions is invalid/);

    await admin.deleteTopics({ topics: ['kjs-cfg'] });
    assert.ok(!(await admin.listTopics()).includes('kjs-cfg'));
    assert.equal(b.broker.state.topics.get('kjs-cfg'), undefined);
  } finally {
    await admin.disconnect();
  }
});

test('@platformatic/kafka Admin describes, alters (legacy and incremental) and deletes', async () => {
  const admin = new Admin({ clientId: 'plt-admin', bootstrapBrokers: [b.bootstrap] });
  try {
    await admin.createTopics({ topics: ['plt-cfg'], partitions: 2, replicas: 1 });
    const topic = { resourceType: ConfigResourceTypes.TOPIC, resourceName: 'plt-cfg' };
    await admin.incrementalAlterConfigs({
      resources: [{ ...topic, configs: [{ name: 'cleanup.policy', configOperation: IncrementalAlterConfigOperationTypes.APPEND, value: 'compact' }] }],
    });
    const [d] = await admin.describeConfigs({ resources: [{ ...topic, configurationKeys: ['cleanup.policy', 'segment.bytes'] }], includeSynonyms: true, includeDocumentation: true });
    const policy = d!.configs.find((x) => x.name === 'cleanup.policy')!;
    assert.equal(policy.value, 'delete,compact');
    assert.equal(policy.configSource, ConfigSources.TOPIC_CONFIG);
    const segment = d!.configs.find((x) => x.name === 'segment.bytes')!;
    assert.equal(segment.configSource, ConfigSources.DEFAULT_CONFIG);
    assert.ok(segment.documentation);

    // A dynamic broker default reaches a topic without an override.
    await admin.incrementalAlterConfigs({
      resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '0', configs: [{ name: 'log.segment.bytes', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '2000000' }] }],
    });
    const [seg] = await admin.describeConfigs({ resources: [{ ...topic, configurationKeys: ['segment.bytes'] }], includeSynonyms: true });
    assert.equal(seg!.configs[0]!.value, '2000000');
    assert.equal(seg!.configs[0]!.configSource, ConfigSources.DYNAMIC_BROKER_CONFIG);
    assert.equal(b.broker.state.logs.topicConfig('plt-cfg')!.segmentBytes, 2000000);
    await admin.incrementalAlterConfigs({
      resources: [{ resourceType: ConfigResourceTypes.BROKER, resourceName: '0', configs: [{ name: 'log.segment.bytes', configOperation: IncrementalAlterConfigOperationTypes.DELETE }] }],
    });
    assert.equal(b.broker.state.logs.topicConfig('plt-cfg')!.segmentBytes, 1073741824);

    await admin.alterConfigs({ resources: [{ ...topic, configs: [{ name: 'retention.bytes', value: '1048576' }] }] });
    const [legacy] = await admin.describeConfigs({ resources: [{ ...topic, configurationKeys: ['retention.bytes', 'cleanup.policy'] }] });
    assert.deepEqual(legacy!.configs.map((x) => [x.name, x.value]).sort(), [['cleanup.policy', 'delete'], ['retention.bytes', '1048576']]);

    await admin.createPartitions({ topics: [{ name: 'plt-cfg', count: 3 }] });
    assert.equal(b.broker.state.topics.get('plt-cfg')!.partitions, 3);
    const dirs = await admin.describeLogDirs({ topics: [{ name: 'plt-cfg', partitions: [0, 1, 2] }] });
    assert.equal(dirs[0]!.results[0]!.logDir, b.dataDir);
    assert.equal(dirs[0]!.results[0]!.topics[0]!.partitions.length, 3);

    await admin.deleteTopics({ topics: ['plt-cfg'] });
    assert.ok(!(await admin.listTopics()).includes('plt-cfg'));
  } finally {
    await admin.close();
  }
});
