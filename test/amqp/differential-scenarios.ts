// The client call sequences the differential test runs against Brook and against a real RabbitMQ,
// each reduced to a comparable outcome string: what the server answered (method, reply code,
// reply text, class/method ids), or what the client saw (bodies, flags, counts, headers).
import type { GetMessage } from 'amqplib';
import { FrameType, PROTOCOL_HEADER, encodeContentHeaderFrame, encodeMethodFrame, encodeProperties } from '../../src/amqp/index.js';
import { RawClient } from './raw-client.js';
import { channel, confirmChannel, connect } from './amqp-helpers.js';

async function closeOf(c: RawClient): Promise<string> {
  await c.until(() => c.received.some((r) => r.method?.method === 'connection.close' || r.method?.method === 'channel.close') || c.closed, 'a close', 5000).catch(() => {});
  const hit = c.received.find((r) => r.method?.method === 'connection.close' || r.method?.method === 'channel.close');
  c.close();
  if (!hit || !hit.method) return c.closed ? 'socket closed' : 'no answer';
  const m = hit.method as { method: string; replyCode: number; replyText: string; classId: number; methodId: number };
  return `${m.method} ${m.replyCode} ${m.replyText} ${m.classId}/${m.methodId}`;
}

type Scenario = (port: number, url: string) => Promise<string>;

const declare = (queue: string, args: [string, { type: 'I'; value: number } | { type: 'S'; value: Buffer }][] = [], extra: Partial<{ durable: boolean; exclusive: boolean; passive: boolean }> = {}) =>
  ({ method: 'queue.declare', ticket: 0, queue, passive: extra.passive ?? false, durable: extra.durable ?? true, exclusive: extra.exclusive ?? false, autoDelete: false, nowait: false, arguments: args }) as const;

async function opened(port: number, tune: { channelMax?: number } = {}): Promise<RawClient> {
  const c = await RawClient.open(port);
  await c.handshake(tune);
  await c.openChannel(1);
  return c;
}

/**
 * A burst of 2,000 persistent jobs to a work queue whose one worker is slow (prefetch 1, 20 ms a
 * job): how many jobs the worker had acknowledged when the publisher's confirms were all in. A
 * queue is a buffer, so the confirms do not wait for the worker (Brook's flow control once paced
 * publishers to it; src/broker/amqp/drain-pace.ts). Also run by flow-control.test.ts.
 */
export async function workQueueBurst(url: string): Promise<{ total: number; taken: number }> {
  const conn = await connect(url);
  const worker = await connect(url);
  try {
    const total = 2_000;
    const ch = await confirmChannel(conn);
    await ch.assertQueue('diff-burst', { durable: true });
    const wch = await channel(worker);
    await wch.prefetch(1);
    let taken = 0;
    let stopped = false;
    await wch.consume('diff-burst', (m) => {
      if (!m) return;
      setTimeout(() => {
        if (stopped) return;
        taken++;
        wch.ack(m);
      }, 20);
    });
    for (let i = 0; i < total; i++) ch.sendToQueue('diff-burst', Buffer.from(`job-${i}`), { persistent: true });
    await ch.waitForConfirms();
    const takenWhenConfirmed = taken;
    stopped = true;
    await wch.close();
    await ch.deleteQueue('diff-burst');
    return { total, taken: takenWhenConfirmed };
  } finally {
    await worker.close();
    await conn.close();
  }
}

export const SCENARIOS: Record<string, Scenario> = {
  wrongHeader: async (port) => {
    const c = await RawClient.open(port);
    c.write(Buffer.from('AMQP\x00\x00\x09\x00'));
    await c.until(() => c.closed, 'close');
    return c.raw.toString('hex');
  },
  httpRequest: async (port) => {
    const c = await RawClient.open(port);
    c.write(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    await c.until(() => c.closed, 'close');
    return c.raw.toString('hex');
  },
  tune: async (port) => {
    const c = await RawClient.open(port);
    c.write(PROTOCOL_HEADER);
    await c.expectMethod('connection.start');
    c.send(0, { method: 'connection.start-ok', clientProperties: [], mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' });
    const t = await c.expectMethod('connection.tune');
    c.close();
    return `${t.channelMax} ${t.frameMax} ${t.heartbeat}`;
  },
  frameTooLarge: async (port) => {
    const c = await opened(port);
    const big = Buffer.alloc(8 + 200_000);
    big[0] = FrameType.Body;
    big.writeUInt16BE(1, 1);
    big.writeUInt32BE(200_000, 3);
    big[big.length - 1] = 0xce;
    c.write(big);
    return closeOf(c);
  },
  badFrameEnd: async (port) => {
    const c = await opened(port);
    const f = encodeMethodFrame(1, { method: 'basic.qos', prefetchSize: 0, prefetchCount: 1, global: false });
    f[f.length - 1] = 0;
    c.write(f);
    return (await closeOf(c)).replace(/<<[^>]*>>/, '<<..>>');
  },
  bodyWithoutPublish: async (port) => {
    const c = await opened(port);
    c.write(Buffer.from([FrameType.Body, 0, 1, 0, 0, 0, 1, 9, 0xce]));
    return closeOf(c);
  },
  unopenedChannel: async (port) => {
    const c = await RawClient.open(port);
    await c.handshake();
    c.send(3, { method: 'basic.qos', prefetchSize: 0, prefetchCount: 1, global: false });
    return closeOf(c);
  },
  secondChannelOpen: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'channel.open', outOfBand: '' });
    return closeOf(c);
  },
  channelMax: async (port) => {
    const c = await opened(port, { channelMax: 1 });
    c.send(2, { method: 'channel.open', outOfBand: '' });
    return closeOf(c);
  },
  unknownDeliveryTag: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'basic.ack', deliveryTag: 5, multiple: false });
    return closeOf(c);
  },
  publishToMissingExchange: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'basic.publish', ticket: 0, exchange: 'nope', routingKey: 'x', mandatory: false, immediate: false });
    c.write(encodeContentHeaderFrame(1, 60, 0, encodeProperties({})));
    return closeOf(c);
  },
  prefetchSize: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'basic.qos', prefetchSize: 10, prefetchCount: 1, global: false });
    return closeOf(c);
  },
  ttlOfWrongType: async (port) => {
    const c = await opened(port);
    c.send(1, declare('diff-bad-ttl', [['x-message-ttl', { type: 'S', value: Buffer.from('abc') }]]));
    return closeOf(c);
  },
  ttlRedeclaredOther: async (port) => {
    const c = await opened(port);
    c.send(1, declare('diff-ttl', [['x-message-ttl', { type: 'I', value: 5 }]]));
    await c.expectMethod('queue.declare-ok');
    c.send(1, declare('diff-ttl', [['x-message-ttl', { type: 'I', value: 6 }]]));
    return closeOf(c);
  },
  ttlAddedOnRedeclare: async (port) => {
    const c = await opened(port);
    c.send(1, declare('diff-plain'));
    await c.expectMethod('queue.declare-ok');
    c.send(1, declare('diff-plain', [['x-message-ttl', { type: 'I', value: 6 }]]));
    return closeOf(c);
  },
  durableRedeclaredOther: async (port) => {
    const c = await opened(port);
    c.send(1, declare('diff-durable'));
    await c.expectMethod('queue.declare-ok');
    c.send(1, declare('diff-durable', [], { durable: false }));
    return closeOf(c);
  },
  passiveMissing: async (port) => {
    const c = await opened(port);
    c.send(1, declare('diff-missing', [], { passive: true }));
    return closeOf(c);
  },
  reservedQueueName: async (port) => {
    const c = await opened(port);
    c.send(1, declare('amq.mine'));
    return closeOf(c);
  },
  invalidExchangeType: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'exchange.declare', ticket: 0, exchange: 'diff-x', type: 'foo', passive: false, durable: false, autoDelete: false, internal: false, nowait: false, arguments: [] });
    return closeOf(c);
  },
  deleteMissingQueue: async (port) => {
    const c = await opened(port);
    c.send(1, { method: 'queue.delete', ticket: 0, queue: 'diff-never', ifUnused: false, ifEmpty: false, nowait: false });
    const ok = await c.expectMethod('queue.delete-ok');
    c.close();
    return `delete-ok ${ok.messageCount}`;
  },
  badPasswordWithoutCapability: async (port) => {
    const c = await RawClient.open(port);
    c.write(PROTOCOL_HEADER);
    await c.expectMethod('connection.start');
    c.send(0, { method: 'connection.start-ok', clientProperties: [], mechanism: 'PLAIN', response: Buffer.from('\0guest\0wrong'), locale: 'en_US' });
    return closeOf(c);
  },
  redeliveryAndCounts: async (_port, url) => {
    const conn = await connect(url);
    try {
      const ch = await confirmChannel(conn);
      await ch.assertQueue('diff-redeliver', { durable: false, autoDelete: false });
      await ch.purgeQueue('diff-redeliver');
      for (const b of ['a', 'b', 'c']) ch.sendToQueue('diff-redeliver', Buffer.from(b));
      await ch.waitForConfirms();
      const out: string[] = [`depth ${(await ch.checkQueue('diff-redeliver')).messageCount}`];
      const m1 = (await ch.get('diff-redeliver')) as GetMessage;
      out.push(`get ${m1.content.toString()} ${m1.fields.redelivered} left ${m1.fields.messageCount}`);
      ch.nack(m1, false, true);
      const m2 = (await ch.get('diff-redeliver')) as GetMessage;
      out.push(`get ${m2.content.toString()} ${m2.fields.redelivered} left ${m2.fields.messageCount}`);
      ch.ack(m2);
      const purged = await ch.purgeQueue('diff-redeliver');
      out.push(`purged ${purged.messageCount}`);
      out.push(`empty ${String(await ch.get('diff-redeliver'))}`);
      await ch.deleteQueue('diff-redeliver');
      return out.join('; ');
    } finally {
      await conn.close();
    }
  },
  deadLetterHeaders: async (_port, url) => {
    const conn = await connect(url);
    try {
      const ch = await confirmChannel(conn);
      await ch.assertExchange('diff-dlx', 'fanout', { durable: false });
      await ch.assertQueue('diff-dead', { durable: false });
      await ch.bindQueue('diff-dead', 'diff-dlx', '');
      await ch.assertQueue('diff-src', { durable: false, arguments: { 'x-dead-letter-exchange': 'diff-dlx' } });
      ch.sendToQueue('diff-src', Buffer.from('x'), { headers: { keep: 'me' }, expiration: '60000' });
      await ch.waitForConfirms();
      const m = (await ch.get('diff-src')) as GetMessage;
      ch.reject(m, false);
      let dead = null;
      for (let i = 0; i < 200 && !dead; i++) {
        dead = await ch.get('diff-dead', { noAck: true });
        if (!dead) await new Promise((r) => setTimeout(r, 10));
      }
      if (!dead) return 'no dead letter';
      const h = dead.properties.headers as Record<string, unknown>;
      const death = (h['x-death'] as Record<string, unknown>[])[0]!;
      const keys = Object.keys(death).sort().join(',');
      await ch.deleteQueue('diff-src');
      await ch.deleteQueue('diff-dead');
      await ch.deleteExchange('diff-dlx');
      return `keep=${String(h.keep)} expiration=${String(dead.properties.expiration)} x-death keys=${keys} reason=${String(death.reason)} queue=${String(death.queue)} count=${String(death.count)} first=${String(h['x-first-death-reason'])}/${String(h['x-first-death-queue'])}/${String(h['x-first-death-exchange'])} rk=${JSON.stringify(death['routing-keys'])} oe=${String(death['original-expiration'])}`;
    } finally {
      await conn.close();
    }
  },
  mandatoryReturnAndConfirm: async (_port, url) => {
    const conn = await connect(url);
    try {
      const ch = await confirmChannel(conn);
      const events: string[] = [];
      ch.on('return', (m: { fields: { replyCode?: number; replyText?: string }; content: Buffer }) => events.push(`return ${String(m.fields.replyCode)} ${String(m.fields.replyText)} ${m.content.toString()}`));
      await new Promise<void>((resolve) => ch.publish('amq.direct', 'nobody', Buffer.from('lost'), { mandatory: true }, (err) => {
        events.push(err ? 'nack' : 'ack');
        resolve();
      }));
      for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      return events.sort().join('; ');
    } finally {
      await conn.close();
    }
  },
  workQueueBurst: async (_port, url) => {
    const { total, taken } = await workQueueBurst(url);
    return `confirmed with the worker under half-way: ${String(taken < total / 2)}`;
  },
  exclusiveFromOtherConnection: async (_port, url) => {
    const a = await connect(url);
    const b = await connect(url);
    try {
      const q = await (await channel(a)).assertQueue('', { exclusive: true });
      const ch = await channel(b);
      try {
        await ch.checkQueue(q.queue);
        return 'allowed';
      } catch (e) {
        return (e as Error).message.replace(q.queue, 'Q');
      }
    } finally {
      await a.close();
      await b.close();
    }
  },
};

export async function runScenarios(port: number, url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, run] of Object.entries(SCENARIOS)) {
    try {
      out[name] = await run(port, url);
    } catch (e) {
      out[name] = `failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  return out;
}
