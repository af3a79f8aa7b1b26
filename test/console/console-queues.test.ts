// The Queues page and the RabbitMQ-style management routes (/api/queues, /api/exchanges,
// /api/bindings) against a broker with its AMQP listener, driven by amqplib: a queue and an
// exchange declared and bound, messages published; the list and the queue page show depth,
// unacknowledged messages, consumers and bindings; purge (confirmed in the page) empties the queue,
// delete removes it; and a gateway without AMQP says so.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel, ChannelModel } from 'amqplib';
import { AmqpManagementView } from '../../src/broker/amqp/management-view.js';
import { skipWithoutChromium } from '../helpers/browser.js';
import { startTestBroker } from '../helpers/broker.js';
import { http, until } from '../gateway/gateway-harness.js';
import { channel, connect } from '../amqp/amqp-helpers.js';
import { startConsoleRig, type ConsoleRig } from './console-harness.js';

const skip = skipWithoutChromium();

interface QueueJson {
  name: string;
  vhost: string;
  messages: number;
  messages_ready: number;
  messages_unacknowledged: number;
  consumers: number;
  message_stats: { publish: number; publish_details: { rate: number }; deliver_get: number; ack: number };
}

describe('web console: AMQP queues and exchanges', { skip }, () => {
  let rig: ConsoleRig;
  let conn: ChannelModel;
  let ch: Channel;
  const queue = async (name: string): Promise<QueueJson> => {
    const r = await http(rig.gw.url, 'GET', `/api/queues/%2F/${name}`);
    assert.equal(r.status, 200, r.text);
    return r.json as QueueJson;
  };
  before(async () => {
    const broker = await startTestBroker({ amqpPort: 0, config: { 'group.initial.rebalance.delay.ms': '0' } });
    rig = await startConsoleRig({ amqp: new AmqpManagementView(broker.broker.amqp!) }, broker);
    conn = await connect(`amqp://guest:guest@127.0.0.1:${broker.broker.amqpPort!}`);
    ch = await channel(conn);
    await ch.assertExchange('orders', 'topic', { durable: true });
    await ch.assertQueue('invoices', { durable: true });
    await ch.bindQueue('invoices', 'orders', 'order.*.created');
    for (let i = 0; i < 5; i++) ch.publish('orders', `order.${i}.created`, Buffer.from(`order ${i}`));
    ch.publish('orders', 'order.9.cancelled', Buffer.from('routed nowhere'));
    await until('5 messages in invoices', async () => ((await queue('invoices')).messages === 5 ? true : undefined));
  });
  after(async () => {
    await conn?.close().catch(() => undefined);
    await rig?.close();
  });

  test('the management routes answer in RabbitMQ field names', async () => {
    const q = await queue('invoices');
    assert.equal(q.vhost, '/');
    assert.equal(q.messages_ready, 5);
    assert.equal(q.messages_unacknowledged, 0);
    assert.equal(q.message_stats.publish, 5);
    assert.equal(typeof q.message_stats.publish_details.rate, 'number');
    // One message taken and not acked: it counts as unacknowledged, and the consumer shows.
    const held = await channel(conn);
    await held.prefetch(1);
    await held.consume('invoices', () => undefined, { noAck: false });
    // Acquired (unacked) a moment before it is counted as delivered: wait for both.
    const busy = await until('one unacked and delivered', async () => {
      const now = await queue('invoices');
      return now.messages_unacknowledged === 1 && now.message_stats.deliver_get === 1 ? now : undefined;
    });
    assert.deepEqual([busy.messages_ready, busy.messages, busy.consumers, busy.message_stats.deliver_get], [4, 5, 1, 1]);
    await held.close();
    await until('the message back to ready, no consumer', async () => {
      const now = await queue('invoices');
      return now.messages_ready === 5 && now.consumers === 0 ? true : undefined;
    });

    const bindings = await http(rig.gw.url, 'GET', '/api/bindings/%2F');
    const mine = (bindings.json as { source: string; destination: string; routing_key: string; destination_type: string }[]).filter((b) => b.destination === 'invoices');
    assert.deepEqual(
      mine.map((b) => [b.source, b.routing_key, b.destination_type]),
      [
        ['', 'invoices', 'queue'],
        ['orders', 'order.*.created', 'queue'],
      ],
    );
    const x = await http(rig.gw.url, 'GET', '/api/exchanges/%2F/orders');
    assert.equal(x.status, 200, x.text);
    assert.deepEqual((x.json as { type: string; durable: boolean }).type, 'topic');
    assert.equal((await http(rig.gw.url, 'GET', '/api/exchanges/%2F/amq.default')).status, 200);
    const missing = await http(rig.gw.url, 'GET', '/api/queues/%2F/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error: 'Object Not Found', reason: 'Not Found' });
    assert.equal((await http(rig.gw.url, 'GET', '/api/queues/no-such-vhost')).status, 404);
  });

  test('the page shows depth and bindings; purge empties the queue; delete removes it', async () => {
    const list = await rig.open('#/queues');
    const row = list.locator('tr[data-queue=invoices]');
    await row.waitFor();
    assert.match(await row.innerText(), /^\/\s+invoices\s+classic\s+D\s+5\s+0\s+5\s+0\s/);
    await list.getByRole('table', { name: 'Exchanges' }).locator('tr[data-exchange=orders]').waitFor();
    assert.match(await list.getByRole('table', { name: 'Bindings' }).innerText(), /orders\s+invoices\s+queue\s+order\.\*\.created/);
    await rig.screenshot(list, 'queues', true);
    await row.getByRole('link', { name: 'invoices' }).click();

    const page = list;
    await page.locator('[data-testid=queue-ready]').filter({ hasText: /^5$/ }).waitFor();
    assert.match(await page.getByRole('table', { name: 'Queue bindings' }).innerText(), /\(AMQP default\)\s+invoices\s+queue\s+invoices[\s\S]*orders\s+invoices\s+queue\s+order\.\*\.created/);
    await rig.screenshot(page, 'queue', true);
    await page.getByRole('button', { name: 'Purge messages' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Type invoices to confirm').fill('invoices');
    await dialog.getByRole('button', { name: 'Purge' }).click();
    await page.getByRole('status').filter({ hasText: 'Queue invoices purged.' }).waitFor();
    await page.locator('[data-testid=queue-ready]').filter({ hasText: /^0$/ }).waitFor();
    assert.equal((await queue('invoices')).messages, 0);
    // Publishing still works into the purged queue.
    ch.publish('orders', 'order.7.created', Buffer.from('after the purge'));
    await page.locator('[data-testid=queue-ready]').filter({ hasText: /^1$/ }).waitFor({ timeout: 30_000 });

    await page.getByRole('button', { name: 'Delete queue' }).click();
    await dialog.getByLabel('Type invoices to confirm').fill('invoices');
    await dialog.getByRole('button', { name: 'Delete queue' }).click();
    await page.getByRole('heading', { name: 'Queues and exchanges' }).waitFor();
    assert.equal((await http(rig.gw.url, 'GET', '/api/queues/%2F/invoices')).status, 404);
    await assert.rejects(ch.checkQueue('invoices'), /404/);
    await page.close();
    assert.deepEqual(rig.pageErrors, []);
  });
});

describe('web console: a gateway without AMQP', { skip }, () => {
  test('the Queues page says there is no AMQP, and /api/queues is not served', async () => {
    const rig = await startConsoleRig();
    try {
      const page = await rig.open('#/queues');
      await page.locator('[data-testid=no-amqp]').waitFor();
      assert.equal((await http(rig.gw.url, 'GET', '/api/queues')).status, 404);
      await page.close();
    } finally {
      await rig.close();
    }
  });
});
