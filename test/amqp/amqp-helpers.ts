// Shared helpers for the AMQP tests: an in-process broker with the AMQP listener on a free port,
// amqplib connections with error listeners (amqplib emits channel errors as events), and
// condition waits (no sleeps as synchronisation).
import amqplib from 'amqplib';
import type { Channel, ChannelModel, ConfirmChannel } from 'amqplib';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

export async function startAmqpBroker(config: Record<string, string> = {}, dataDir?: string): Promise<TestBroker & { amqpUrl: string }> {
  const b = await startTestBroker({ amqpPort: 0, config }, dataDir);
  return Object.assign(b, { amqpUrl: `amqp://guest:guest@127.0.0.1:${b.broker.amqpPort!}` });
}

export async function connect(url: string): Promise<ChannelModel> {
  const c = await amqplib.connect(url);
  c.on('error', () => {});
  return c;
}

export async function channel(c: ChannelModel): Promise<Channel> {
  const ch = await c.createChannel();
  ch.on('error', () => {});
  return ch;
}

export async function confirmChannel(c: ChannelModel): Promise<ConfirmChannel> {
  const ch = await c.createConfirmChannel();
  ch.on('error', () => {});
  return ch;
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `limitMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, limitMs = 20_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Resolves with the error a promise rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: number };
  }
  throw new Error('expected a rejection');
}
