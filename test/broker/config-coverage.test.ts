// No config is accepted and silently ignored. Every key the broker accepts (broker keys and topic keys, from
// config/definitions.ts) is walked here and must be one of:
//   log       it reaches the partition's LogConfig (a topic override and its broker synonym each change the
//             resolved field) and that field is read by code outside log-config.ts;
//   broker    it is read by the named broker module (by its literal name; also topic keys that are not log
//             settings, such as a share group's dead-letter topic);
//   alias     another name for a key that is honoured (unit variants, broker.id, log.dir);
//   limited   Brook honours only some of Kafka's values, and any other is refused with a sentence saying why;
//   one-node  it governs replicas Brook does not have, and the reason it changes nothing is written here
//             (the same holds for a one-broker Kafka).
// A key added to definitions.ts without an entry here fails the walk until someone says how it is honoured.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BROKER_CONFIGS, TOPIC_CONFIGS, type ConfigDefinition } from '../../src/broker/config/definitions.js';
import { BrokerConfig, validateTopicOverrides } from '../../src/broker/config/broker-config.js';
import { resolveLogConfig, type LogConfig } from '../../src/storage/log-config.js';
import { repoRoot } from '../helpers/paths.js';

type How =
  | { kind: 'log'; field: keyof LogConfig; value: string }
  | { kind: 'broker'; readBy: string }
  | { kind: 'alias'; of: string }
  | { kind: 'limited'; refused: string }
  | { kind: 'one-node'; why: string };

const log = (field: keyof LogConfig, value: string): How => ({ kind: 'log', field, value });
const broker = (readBy: string): How => ({ kind: 'broker', readBy });

const TOPIC: Record<string, How> = {
  'cleanup.policy': log('compacted', 'compact'),
  'compression.type': log('compressionType', 'zstd'),
  'delete.retention.ms': log('deleteRetentionMs', '1234'),
  'file.delete.delay.ms': { kind: 'limited', refused: '60000' },
  'flush.messages': log('flushMessages', '77'),
  'flush.ms': log('flushMs', '1234'),
  'index.interval.bytes': log('indexIntervalBytes', '1234'),
  'max.compaction.lag.ms': log('maxCompactionLagMs', '1234'),
  'max.message.bytes': log('maxMessageBytes', '1234'),
  'message.timestamp.type': log('logAppendTime', 'LogAppendTime'),
  'message.timestamp.before.max.ms': log('timestampBeforeMaxMs', '1234'),
  'message.timestamp.after.max.ms': log('timestampAfterMaxMs', '1234'),
  'min.cleanable.dirty.ratio': log('minCleanableDirtyRatio', '0.25'),
  'min.compaction.lag.ms': log('minCompactionLagMs', '1234'),
  'min.insync.replicas': log('minInsyncReplicas', '2'),
  preallocate: { kind: 'limited', refused: 'true' },
  'retention.bytes': log('retentionBytes', '1234'),
  'retention.ms': log('retentionMs', '1234'),
  'segment.bytes': log('segmentBytes', '1234'),
  'segment.index.bytes': log('segmentIndexBytes', '1234'),
  'segment.jitter.ms': log('segmentJitterMs', '1234'),
  'segment.ms': log('segmentMs', '1234'),
  // Share groups (KIP-932) and their dead-letter topics (KIP-1191): read by the share-group coordinator.
  'brook.share.dead.letter.topic': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'errors.deadletterqueue.group.enable': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'unclean.leader.election.enable': {
    kind: 'one-node',
    why: 'it lets an out-of-sync replica become leader; a partition with one replica has no other replica to elect, so either value behaves the same (in a one-broker Kafka too)',
  },
};

const BROKER: Record<string, How> = {
  // Listeners and TLS (docs/security.md).
  listeners: broker('src/broker/security/listeners.ts'),
  'advertised.listeners': broker('src/broker/security/listeners.ts'),
  'listener.security.protocol.map': broker('src/broker/security/listeners.ts'),
  'ssl.keystore.type': broker('src/broker/security/tls-options.ts'),
  'ssl.keystore.location': broker('src/broker/security/tls-options.ts'),
  'ssl.keystore.password': broker('src/broker/security/tls-options.ts'),
  'ssl.key.password': broker('src/broker/security/tls-options.ts'),
  'ssl.keystore.certificate.chain': broker('src/broker/security/tls-options.ts'),
  'ssl.keystore.key': broker('src/broker/security/tls-options.ts'),
  'ssl.truststore.type': { kind: 'limited', refused: 'PKCS12' },
  'ssl.truststore.location': broker('src/broker/security/tls-options.ts'),
  'ssl.truststore.certificates': broker('src/broker/security/tls-options.ts'),
  'ssl.client.auth': broker('src/broker/security/tls-options.ts'),
  'ssl.enabled.protocols': broker('src/broker/security/tls-options.ts'),
  'ssl.principal.mapping.rules': broker('src/broker/security/bind-listeners.ts'),
  'sasl.enabled.mechanisms': broker('src/broker/security/broker-security.ts'),
  'connection.failed.authentication.delay.ms': broker('src/broker/security/broker-security.ts'),
  'sasl.server.max.receive.size': broker('src/broker/broker.ts'),
  'connections.max.reauth.ms': broker('src/broker/security/broker-security.ts'),
  'quota.window.num': broker('src/broker/security/client-quotas.ts'),
  'quota.window.size.seconds': broker('src/broker/security/client-quotas.ts'),
  'controller.quota.window.num': broker('src/broker/security/client-quotas.ts'),
  'controller.quota.window.size.seconds': broker('src/broker/security/client-quotas.ts'),
  'max.connection.creation.rate': broker('src/broker/security/client-quotas.ts'),
  'sasl.oauthbearer.jwks.endpoint.url': broker('src/broker/security/oauthbearer.ts'),
  'sasl.oauthbearer.expected.issuer': broker('src/broker/security/oauthbearer.ts'),
  'sasl.oauthbearer.expected.audience': broker('src/broker/security/oauthbearer.ts'),
  'sasl.oauthbearer.sub.claim.name': broker('src/broker/security/oauthbearer.ts'),
  'sasl.oauthbearer.clock.skew.seconds': broker('src/broker/security/oauthbearer.ts'),
  'brook.sasl.oauthbearer.allow.unsecured': broker('src/broker/security/oauthbearer.ts'),
  'brook.ssl.reload.check.interval.ms': broker('src/broker/broker.ts'),
  'authorizer.class.name': broker('src/broker/security/broker-security.ts'),
  'super.users': broker('src/broker/security/broker-security.ts'),
  'allow.everyone.if.no.acl.found': broker('src/broker/security/broker-security.ts'),
  'node.id': broker('src/broker/broker.ts'),
  'broker.id': { kind: 'alias', of: 'node.id' },
  'num.partitions': broker('src/broker/topics/topic-service.ts'),
  'default.replication.factor': { kind: 'limited', refused: '2' },
  'auto.create.topics.enable': broker('src/broker/topics/topic-service.ts'),
  'delete.topic.enable': broker('src/broker/topics/topic-service.ts'),
  'socket.request.max.bytes': broker('src/broker/broker.ts'),
  'connections.max.idle.ms': broker('src/broker/broker.ts'),
  'log.dirs': broker('src/broker/config/data-dir.ts'),
  'log.dir': { kind: 'alias', of: 'log.dirs' },
  'log.roll.hours': { kind: 'alias', of: 'log.roll.ms' },
  'log.retention.minutes': { kind: 'alias', of: 'log.retention.ms' },
  'log.retention.hours': { kind: 'alias', of: 'log.retention.ms' },
  'log.retention.check.interval.ms': broker('src/storage/log-manager.ts'),
  'brook.high.watermark.policy': broker('src/broker/broker.ts'),
  'max.connections': broker('src/broker/limits/connection-limits.ts'),
  'max.connections.per.ip': broker('src/broker/limits/connection-limits.ts'),
  'max.connections.per.ip.overrides': broker('src/broker/limits/connection-limits.ts'),
  'fetch.max.bytes': broker('src/broker/handlers/01-fetch.ts'),
  'brook.max.partitions': broker('src/broker/topics/topic-service.ts'),
  'brook.max.partitions.per.request': broker('src/broker/handlers/19-create-topics.ts'),
  'brook.connection.max.buffered.bytes': broker('src/broker/limits/broker-resources.ts'),
  'brook.max.buffered.bytes': broker('src/broker/limits/broker-resources.ts'),
  'brook.connection.max.inflight.requests': broker('src/broker/broker.ts'),
  'brook.memory.high.watermark': broker('src/broker/limits/memory-monitor.ts'),
  'brook.memory.high.watermark.bytes': broker('src/broker/limits/memory-monitor.ts'),
  'brook.produce.validation.threads': broker('src/broker/produce/ordered-validation.ts'),
  'brook.produce.validation.offload.compressed.bytes': broker('src/broker/produce/ordered-validation.ts'),
  'brook.produce.validation.offload.uncompressed.bytes': broker('src/broker/produce/ordered-validation.ts'),
  // Not the broker's: `brook start` reads it to place the HTTP gateway (--http-port > BROOK_HTTP_PORT > this key).
  'brook.http.port': broker('src/cli/commands/start-options.ts'),
  // Not the broker's either: `brook start` hands it to the SQL engine (BROOK_SQL_EXTENSION_DIR > this key).
  'brook.sql.extension.dir': broker('src/cli/commands/start-options.ts'),
  // The embedded gateway's client settings (docs/http.md, docs/security.md).
  ...Object.fromEntries(
    ['listener', 'sasl.mechanism', 'sasl.username', 'sasl.password', 'sasl.jaas.config', 'ssl.ca.location', 'ssl.truststore.location', 'ssl.truststore.certificates', 'ssl.keystore.location', 'ssl.keystore.key', 'ssl.keystore.certificate.chain', 'ssl.certificate.location', 'ssl.key.location', 'ssl.key.password', 'ssl.endpoint.identification.algorithm'].map((k) => [
      `brook.gateway.${k}`,
      broker('src/cli/commands/embedded-gateway-client.ts'),
    ]),
  ),
  // The MQTT listener (docs/mqtt.md): on/off and port are placed by `brook start` (and the broker for enable);
  // the rest become MqttSettings.
  'brook.mqtt.enable': broker('src/broker/broker.ts'),
  'brook.mqtt.port': broker('src/cli/commands/start-options.ts'),
  'brook.mqtt.topic.mappings': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.default.topic': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.kafka.qos': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.users': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.allow.anonymous': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.max.packet.size': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.receive.maximum': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.max.inflight.messages': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.max.queued.messages': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.topic.alias.maximum': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.max.keepalive': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.max.session.expiry.interval': broker('src/broker/mqtt/mqtt-config.ts'),
  'brook.mqtt.connect.timeout.ms': broker('src/broker/mqtt/mqtt-config.ts'),
  // The AMQP 0-9-1 listener (docs/amqp.md). The port is `brook start`'s, like brook.http.port.
  'brook.amqp.enable': broker('src/broker/broker.ts'),
  'brook.amqp.port': broker('src/cli/commands/start-options.ts'),
  'brook.amqp.users': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.vhosts': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.guest.loopback.only': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.frame.max': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.channel.max': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.heartbeat': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.max.message.bytes': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.topic.exchanges': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.consumer.timeout.ms': broker('src/broker/amqp/amqp-server.ts'),
  'brook.amqp.tls.port': broker('src/broker/amqp/amqp-server.ts'),
  'offsets.topic.num.partitions': broker('src/broker/groups/group-coordinator.ts'),
  'offsets.retention.minutes': broker('src/broker/groups/group-coordinator.ts'),
  'offsets.retention.check.interval.ms': broker('src/broker/groups/group-coordinator.ts'),
  'group.initial.rebalance.delay.ms': broker('src/broker/groups/group-coordinator.ts'),
  'group.min.session.timeout.ms': broker('src/broker/groups/group-coordinator.ts'),
  'group.max.session.timeout.ms': broker('src/broker/groups/group-coordinator.ts'),
  'group.max.size': broker('src/broker/groups/group-coordinator.ts'),
  'group.consumer.session.timeout.ms': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.min.session.timeout.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.max.session.timeout.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.heartbeat.interval.ms': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.min.heartbeat.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.max.heartbeat.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.max.size': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.assignors': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.migration.policy': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.assignment.interval.ms': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'group.consumer.min.assignment.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.max.assignment.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.consumer.regex.refresh.interval.ms': broker('src/broker/groups/consumer/consumer-settings.ts'),
  'broker.rack': broker('src/broker/groups/group-coordinator.ts'),
  'transaction.state.log.num.partitions': broker('src/broker/transactions/transaction-coordinator.ts'),
  'transaction.max.timeout.ms': broker('src/broker/transactions/transaction-coordinator.ts'),
  'transactional.id.expiration.ms': broker('src/broker/transactions/transaction-coordinator.ts'),
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': broker('src/broker/transactions/transaction-coordinator.ts'),
  'transaction.remove.expired.transaction.cleanup.interval.ms': broker('src/broker/transactions/transaction-coordinator.ts'),
  'producer.id.expiration.ms': broker('src/broker/producers/producer-state-manager.ts'),
  // Share groups (KIP-932) and their dead-letter topics (KIP-1191).
  'group.share.session.timeout.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.min.session.timeout.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.session.timeout.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.heartbeat.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.min.heartbeat.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.heartbeat.interval.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.size': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'group.share.record.lock.duration.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.min.record.lock.duration.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.record.lock.duration.ms': broker('src/broker/groups/group-configs.ts'),
  'group.share.delivery.count.limit': broker('src/broker/groups/group-configs.ts'),
  'group.share.min.delivery.count.limit': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.delivery.count.limit': broker('src/broker/groups/group-configs.ts'),
  'group.share.partition.max.record.locks': broker('src/broker/groups/group-configs.ts'),
  'group.share.min.partition.max.record.locks': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.partition.max.record.locks': broker('src/broker/groups/group-configs.ts'),
  'group.share.max.share.sessions': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'share.coordinator.state.topic.num.partitions': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'share.coordinator.snapshot.update.records.per.snapshot': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'share.coordinator.state.topic.prune.interval.ms': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'errors.deadletterqueue.auto.create.topics.enable': broker('src/broker/groups/share/share-group-coordinator.ts'),
  'errors.deadletterqueue.topic.name.prefix': broker('src/broker/groups/share/share-group-coordinator.ts'),
};
// Broker keys that are the synonyms of topic keys are honoured through them (checked with their topic key).
const synonyms = new Map(TOPIC_CONFIGS.filter((d) => d.brokerSynonym !== null).map((d) => [d.brokerSynonym!, d.name]));

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}
const code = sources(join(repoRoot, 'src'))
  .filter((f) => !f.endsWith('log-config.ts') && !f.endsWith('definitions.ts') && !f.includes('/protocol/messages/'))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

function isRefused(d: ConfigDefinition, value: string, scope: 'broker' | 'topic'): boolean {
  if (scope === 'topic') return validateTopicOverrides({ [d.name]: value }) !== null;
  try {
    new BrokerConfig({ [d.name]: value });
    return false;
  } catch {
    return true;
  }
}

test('every accepted topic config is honoured or refused', () => {
  assert.deepEqual(Object.keys(TOPIC).sort(), TOPIC_CONFIGS.map((d) => d.name).sort(), 'the walk and definitions.ts list different topic keys');
  const defaults = resolveLogConfig({}, {});
  for (const d of TOPIC_CONFIGS) {
    const how = TOPIC[d.name]!;
    if (how.kind === 'log') {
      const viaTopic = resolveLogConfig({}, { [d.name]: how.value });
      assert.notDeepEqual(viaTopic[how.field], defaults[how.field], `${d.name}=${how.value} does not change LogConfig.${how.field}`);
      if (d.brokerSynonym) assert.deepEqual(resolveLogConfig({ [d.brokerSynonym]: how.value }, {})[how.field], viaTopic[how.field], `broker ${d.brokerSynonym} does not reach ${how.field}`);
      assert.ok(new RegExp(`\\b${how.field}\\b`).test(code), `LogConfig.${how.field} (${d.name}) is resolved but never read`);
      assert.equal(validateTopicOverrides({ [d.name]: how.value }), null, `${d.name}=${how.value} is refused`);
    } else if (how.kind === 'limited') {
      assert.ok(d.supported, `${d.name} is limited but its definition says nothing of it`);
      assert.ok(isRefused(d, how.refused, 'topic'), `${d.name}=${how.refused} is accepted`);
      assert.match(validateTopicOverrides({ [d.name]: how.refused }) ?? '', /is not supported: .+ \(allowed: /);
      for (const v of d.supported!.values) assert.equal(validateTopicOverrides({ [d.name]: v }), null);
    } else if (how.kind === 'one-node') {
      assert.ok(how.why.length > 40, `${d.name}: say why it changes nothing`);
    } else if (how.kind === 'broker') {
      // A topic key that is not a log setting (e.g. a share group's dead-letter topic): read by a broker module.
      assert.ok(readFileSync(join(repoRoot, how.readBy), 'utf8').includes(`'${d.name}'`), `${d.name} is not read by ${how.readBy}`);
    } else {
      assert.fail(`${d.name}: topic keys are honoured through LogConfig, a broker module, limited or one-node`);
    }
  }
});

test('every accepted broker config is honoured or refused', () => {
  const walked = new Set([...Object.keys(BROKER), ...synonyms.keys()]);
  assert.deepEqual([...walked].sort(), BROKER_CONFIGS.map((d) => d.name).sort(), 'the walk and definitions.ts list different broker keys');
  for (const d of BROKER_CONFIGS) {
    const how = BROKER[d.name];
    if (how === undefined) {
      // A topic key's broker synonym: the topic walk resolved it into LogConfig, or it is limited there too.
      const topic = TOPIC[synonyms.get(d.name)!]!;
      if (topic.kind === 'limited') assert.ok(isRefused(d, topic.refused, 'broker'), `broker ${d.name}=${topic.refused} is accepted`);
      continue;
    }
    if (how.kind === 'broker') {
      assert.ok(readFileSync(join(repoRoot, how.readBy), 'utf8').includes(`'${d.name}'`), `${d.name} is not read by ${how.readBy}`);
    } else if (how.kind === 'alias') {
      assert.ok(BROKER[how.of] !== undefined || synonyms.has(how.of), `${d.name} is an alias of ${how.of}, which is not walked`);
    } else if (how.kind === 'limited') {
      assert.ok(isRefused(d, how.refused, 'broker'), `${d.name}=${how.refused} is accepted`);
    }
  }
});

test('aliases are honoured: broker.id is node.id, unit variants fold into ms, log.dirs must name the data dir', () => {
  assert.equal(new BrokerConfig({ 'broker.id': '7' }).getNumber('node.id'), 7);
  assert.equal(new BrokerConfig({ 'node.id': '7' }).getNumber('broker.id'), 7);
  assert.throws(() => new BrokerConfig({ 'node.id': '1', 'broker.id': '2' }), /must be equal/);
  assert.equal(new BrokerConfig({ 'log.retention.hours': '2' }).get('log.retention.ms'), '7200000');
  assert.equal(new BrokerConfig({ 'log.retention.minutes': '3' }).get('log.retention.ms'), '180000');
  assert.equal(new BrokerConfig({ 'log.roll.hours': '1' }).get('log.roll.ms'), '3600000');
});
