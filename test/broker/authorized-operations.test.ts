// KIP-430 authorized-operations fields come from the broker's authorizer, one function for every API that
// reports them. With no ACLs (the default) every operation that applies to the resource type is allowed, and
// the bitfields are exactly Kafka's lists; an authorizer that denies something is reflected on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { AclOperation, authorizedOperations, ALLOW_EVERYTHING, ANONYMOUS, NOT_REQUESTED, type Authorizer } from '../../src/broker/topics/authorized-operations.js';
import { startTestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';

const bits = (...ops: number[]): number => ops.reduce((acc, o) => acc | (1 << o), 0);
const { READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE } = AclOperation;
const ALL_TOPIC = bits(READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
const ALL_CLUSTER = bits(CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE);
// DESCRIBE_CONFIGS / ALTER_CONFIGS on groups since Kafka 4 (group configs: KIP-848, KIP-932).
const ALL_GROUP = bits(READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS);

test('with no ACLs every applicable operation is allowed, as Kafka lists them per resource type', () => {
  assert.equal(authorizedOperations(ALLOW_EVERYTHING, ANONYMOUS, 'topic', 't'), ALL_TOPIC);
  assert.equal(authorizedOperations(ALLOW_EVERYTHING, ANONYMOUS, 'cluster', 'kafka-cluster'), ALL_CLUSTER);
  assert.equal(authorizedOperations(ALLOW_EVERYTHING, ANONYMOUS, 'group', 'g'), ALL_GROUP);
  assert.equal(authorizedOperations(ALLOW_EVERYTHING, ANONYMOUS, 'transactional-id', 'tx'), bits(DESCRIBE, WRITE));
});

test('Metadata, DescribeCluster, DescribeGroups and DescribeTopicPartitions report what the authorizer allows', async () => {
  // Read-only on topics named "public-*", nothing else on topics; no cluster ALTER; groups may not be deleted.
  const readOnly: Authorizer = {
    allows: ({ operation, resource, name }) => {
      if (resource === 'topic') return name.startsWith('public-') && (operation === READ || operation === DESCRIBE);
      if (resource === 'cluster') return operation !== ALTER && operation !== ALTER_CONFIGS;
      if (resource === 'group') return operation !== DELETE;
      return true;
    },
  };
  const tb = await startTestBroker({ authorizer: readOnly });
  const wire = await WireClient.connect(tb.port);
  try {
    for (const name of ['public-news', 'private']) await tb.broker.state.topics.create({ name, numPartitions: 1, replicationFactor: -1, configs: {} });
    const md = await wire.request(apis.Metadata, 12, {
      topics: ['public-news', 'private'].map((name) => ({ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name })),
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: true,
    });
    const ops = new Map(md.topics.map((t) => [t.name, t.topicAuthorizedOperations]));
    assert.equal(ops.get('public-news'), bits(READ, DESCRIBE));
    assert.equal(ops.get('private'), 0);
    const md8 = await wire.request(apis.Metadata, 8, { topics: null, allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: false });
    assert.equal(md8.clusterAuthorizedOperations, ALL_CLUSTER & ~bits(ALTER, ALTER_CONFIGS));
    assert.ok(md8.topics.every((t) => t.topicAuthorizedOperations === NOT_REQUESTED));

    const cluster = await wire.request(apis.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
    assert.equal(cluster.clusterAuthorizedOperations, ALL_CLUSTER & ~bits(ALTER, ALTER_CONFIGS));
    const notAsked = await wire.request(apis.DescribeCluster, 0, { includeClusterAuthorizedOperations: false });
    assert.equal(notAsked.clusterAuthorizedOperations, NOT_REQUESTED);

    const groups = await wire.request(apis.DescribeGroups, 5, { groups: ['g1'], includeAuthorizedOperations: true });
    assert.equal(groups.groups[0]!.authorizedOperations, bits(READ, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS));

    const dtp = await wire.request(apis.DescribeTopicPartitions, 0, { topics: [{ name: 'public-news' }, { name: 'private' }], responsePartitionLimit: 10, cursor: null });
    assert.deepEqual(
      dtp.topics.map((t) => [t.name, t.topicAuthorizedOperations]),
      [
        ['private', 0],
        ['public-news', bits(READ, DESCRIBE)],
      ],
    );
  } finally {
    wire.close();
    await tb.close();
  }
});

test('the default broker tells a client every operation is allowed', async () => {
  const tb = await startTestBroker();
  const wire = await WireClient.connect(tb.port);
  try {
    const cluster = await wire.request(apis.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
    assert.equal(cluster.clusterAuthorizedOperations, ALL_CLUSTER);
    const groups = await wire.request(apis.DescribeGroups, 5, { groups: ['g'], includeAuthorizedOperations: true });
    assert.equal(groups.groups[0]!.authorizedOperations, ALL_GROUP);
  } finally {
    wire.close();
    await tb.close();
  }
});
