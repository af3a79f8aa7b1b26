import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerConfig, ConfigError, validateTopicOverrides } from '../../src/broker/config/broker-config.js';
import { loadSettings } from '../../src/broker/config/load.js';

test('defaults apply when nothing is set', () => {
  const c = new BrokerConfig();
  assert.equal(c.get('num.partitions'), '1');
  assert.equal(c.getBoolean('auto.create.topics.enable'), true);
  // log.retention.ms has no default of its own: it derives from log.retention.hours (168 h).
  assert.equal(c.resolveTopic('retention.ms', {}).value, '604800000');
  assert.equal(c.resolveTopic('retention.ms', {}).source, 'DEFAULT_CONFIG');
});

test('topic keys fall back to broker synonyms, including unit variants', () => {
  const c = new BrokerConfig({ 'log.retention.hours': '2' });
  const r = c.resolveTopic('retention.ms', {});
  assert.equal(r.value, String(2 * 3_600_000));
  assert.equal(r.source, 'STATIC_BROKER_CONFIG');
  assert.deepEqual(r.synonyms.map((s) => s.name), ['log.retention.hours']);
  const o = c.resolveTopic('retention.ms', { 'retention.ms': '1000' });
  assert.equal(o.value, '1000');
  assert.equal(o.source, 'DYNAMIC_TOPIC_CONFIG');
  assert.deepEqual(o.synonyms.map((s) => s.source), ['DYNAMIC_TOPIC_CONFIG', 'STATIC_BROKER_CONFIG']);
});

test('dynamic broker values override static ones and are validated', () => {
  const c = new BrokerConfig({ 'message.max.bytes': '2000' });
  assert.equal(c.setDynamic('message.max.bytes', '3000'), null);
  assert.equal(c.resolveTopic('max.message.bytes', {}).value, '3000');
  assert.equal(c.resolveTopic('max.message.bytes', {}).source, 'DYNAMIC_BROKER_CONFIG');
  assert.match(c.setDynamic('message.max.bytes', 'abc') ?? '', /whole number/);
  assert.match(c.setDynamic('socket.request.max.bytes', '5') ?? '', /cannot be changed/);
  assert.equal(c.setDynamic('message.max.bytes', null), null);
  assert.equal(c.get('message.max.bytes'), '2000');
});

test('invalid values are rejected with the allowed range', () => {
  assert.throws(() => new BrokerConfig({ 'num.partitions': '0' }), (e: unknown) => e instanceof ConfigError && /at least 1/.test(e.message));
  assert.match(validateTopicOverrides({ 'cleanup.policy': 'shred' }) ?? '', /delete, compact/);
  assert.match(validateTopicOverrides({ 'min.cleanable.dirty.ratio': '2' }) ?? '', /between 0 and 1/);
  assert.match(validateTopicOverrides({ 'no.such.key': '1' }) ?? '', /unknown topic config/);
  assert.equal(validateTopicOverrides({ 'retention.ms': '-1', 'cleanup.policy': 'compact,delete' }), null);
});

test('settings precedence: flags > BROOK_* env > config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'brook-config-'));
  const file = join(dir, 'server.properties');
  writeFileSync(file, '# comment\nnum.partitions=3\nlog.retention.ms = 10\nmessage.max.bytes=5\n');
  const s = loadSettings({
    configFile: file,
    env: { BROOK_LOG_RETENTION_MS: '20', BROOK_MESSAGE_MAX_BYTES: '6', BROOK_BROKERS: 'x:1', PATH: '/bin' },
    flags: { 'message.max.bytes': '7' },
  });
  assert.deepEqual(s, { 'num.partitions': '3', 'log.retention.ms': '20', 'message.max.bytes': '7' });
});

test('unit variants reach storage folded into their ms key (storage knows only the ms keys)', async () => {
  const { brokerLogDefaults } = await import('../../src/broker/config/log-defaults.js');
  const { resolveLogConfig } = await import('../../src/storage/index.js');
  const c = new BrokerConfig({ 'log.retention.hours': '2', 'log.roll.hours': '3' });
  const lc = resolveLogConfig(brokerLogDefaults(c), {});
  assert.equal(lc.retentionMs, 2 * 3_600_000);
  assert.equal(lc.segmentMs, 3 * 3_600_000);
  // A dynamic ms value wins over the static hours, as in Kafka.
  assert.equal(c.setDynamic('log.retention.ms', '5000'), null);
  assert.equal(resolveLogConfig(brokerLogDefaults(c), {}).retentionMs, 5000);
  // A topic override wins over both.
  assert.equal(resolveLogConfig(brokerLogDefaults(c), { 'retention.ms': '7' }).retentionMs, 7);
});

test('get() answers what resolveBroker() resolves, for every broker key and every layer', async () => {
  const { brokerConfigByName } = await import('../../src/broker/config/definitions.js');
  const empty = new BrokerConfig();
  const layered = new BrokerConfig({ 'log.retention.hours': '2', 'log.retention.minutes': '30', 'log.roll.hours': '3', 'num.partitions': '4', 'broker.id': '7' });
  assert.equal(layered.setDynamic('message.max.bytes', '3000', 'cluster-default'), null);
  assert.equal(layered.setDynamic('log.retention.ms', '5000', 'cluster-default'), null);
  assert.equal(layered.setDynamic('log.segment.bytes', '100000'), null);
  assert.equal(layered.setDynamic('num.partitions', '5', 'cluster-default'), null);
  for (const c of [empty, layered]) {
    for (const name of brokerConfigByName.keys()) assert.equal(c.get(name), c.resolveBroker(name).value, name);
  }
  assert.equal(layered.get('log.retention.ms'), '5000');
  assert.equal(layered.get('log.roll.ms'), String(3 * 3_600_000));
  assert.throws(() => empty.get('no.such.key'), ConfigError);
});
