// Kafka's connection limits by Kafka's names: max.connections.per.ip (with
// max.connections.per.ip.overrides) and max.connections. A connection over a limit is closed as soon
// as it is accepted, with a log line; changes apply to the next connection (dynamic configs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { apis } from '../../src/protocol/messages/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { WireClient } from './admin-wire.js';
import { until } from './bounds-wire.js';

let b: TestBroker;
before(async () => {
  b = await startTestBroker({ config: { 'max.connections.per.ip': '2' } });
});
after(async () => {
  await b.close();
});

async function served(c: WireClient): Promise<boolean> {
  c.writeRaw(Buffer.alloc(0));
  try {
    const v = await c.request(apis.ApiVersions, 3, { clientSoftwareName: 'limits', clientSoftwareVersion: '1' });
    return v.errorCode === ErrorCode.NONE;
  } catch {
    return false;
  }
}

async function alter(c: WireClient, name: string, value: string | null): Promise<void> {
  const res = await c.request(apis.IncrementalAlterConfigs, 1, {
    resources: [{ resourceType: 4, resourceName: '', configs: [{ name, configOperation: value === null ? 1 : 0, value }] }],
    validateOnly: false,
  });
  assert.equal(res.responses[0]!.errorCode, ErrorCode.NONE, res.responses[0]!.errorMessage ?? '');
}

test('max.connections.per.ip closes the connection past the limit; overrides and max.connections apply at once', async () => {
  const first = await WireClient.connect(b.port);
  const second = await WireClient.connect(b.port);
  const opened: WireClient[] = [first, second];
  try {
    assert.equal(await served(first), true);
    assert.equal(await served(second), true);
    const third = await WireClient.connect(b.port);
    await third.whenClosed();
    assert.equal(await third.nextFrame(), null);
    const line = b.logs.find((r) => r.msg === 'rejected connection');
    assert.match(String(line?.fields.reason), /127\.0\.0\.1 already has the configured maximum of 2 connections/);

    await alter(first, 'max.connections.per.ip.overrides', '127.0.0.1:3');
    const fourth = await WireClient.connect(b.port);
    opened.push(fourth);
    assert.equal(await served(fourth), true, 'the override lets a third connection in');

    const bad = await first.request(apis.IncrementalAlterConfigs, 1, {
      resources: [{ resourceType: 4, resourceName: '', configs: [{ name: 'max.connections.per.ip.overrides', configOperation: 0, value: 'nocount' }] }],
      validateOnly: false,
    });
    assert.equal(bad.responses[0]!.errorCode, ErrorCode.INVALID_CONFIG);

    await alter(first, 'max.connections.per.ip.overrides', null);
    await alter(first, 'max.connections.per.ip', '100');
    await alter(first, 'max.connections', '3');
    const fifth = await WireClient.connect(b.port);
    await fifth.whenClosed();
    assert.ok(b.logs.some((r) => r.msg === 'rejected connection' && /max\.connections\)/.test(String(r.fields.reason))));
    await alter(first, 'max.connections', null);
  } finally {
    for (const c of opened) c.close();
  }
  await until(() => b.broker.networkStats().connections === 0, 'every connection to be gone');
  const again = await WireClient.connect(b.port);
  try {
    assert.equal(await served(again), true, 'closed connections no longer count');
  } finally {
    again.close();
  }
});
