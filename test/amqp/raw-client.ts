// A minimal AMQP peer built on Brook's own codec, for sending what no real client sends (bad
// headers, oversized or malformed frames). Frames received are decoded and queued; waits are
// bounded and event-driven.
import { connect, type Socket } from 'node:net';
import { FrameParser, FrameType, PROTOCOL_HEADER, decodeMethodPayload, encodeMethodFrame, type AmqpMethod } from '../../src/amqp/index.js';

export interface Received {
  channel: number;
  method: AmqpMethod | null;
  type: number;
}

export class RawClient {
  readonly received: Received[] = [];
  raw = Buffer.alloc(0);
  closed = false;
  private readonly parser = new FrameParser(0);
  private waiters: (() => void)[] = [];
  private headerDone = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.raw = Buffer.concat([this.raw, b]);
      this.parser.push(b);
      if (!this.headerDone && this.raw.length >= 8 && this.raw.subarray(0, 4).toString() === 'AMQP') {
        this.headerDone = true;
        this.parser.takeRaw(8);
      }
      for (let f = this.parser.next(); f; f = this.parser.next()) {
        this.received.push({ channel: f.channel, type: f.type, method: f.type === FrameType.Method ? decodeMethodPayload(f.payload) : null });
      }
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(b: Buffer): void {
    this.socket.write(b);
  }

  send(channel: number, m: AmqpMethod): void {
    this.write(encodeMethodFrame(channel, m));
  }

  /** Waits (bounded) until `check` holds. */
  async until(check: () => boolean, what: string, limitMs = 10_000): Promise<void> {
    const deadline = Date.now() + limitMs;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`raw client: timed out waiting for ${what}; got ${JSON.stringify(this.received.map((r) => r.method?.method ?? r.type))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async expectMethod<N extends AmqpMethod['method']>(name: N): Promise<Extract<AmqpMethod, { method: N }>> {
    await this.until(() => this.received.some((r) => r.method?.method === name), name);
    return this.received.find((r) => r.method?.method === name)!.method as Extract<AmqpMethod, { method: N }>;
  }

  /** Protocol header, PLAIN guest/guest, tune-ok with the given maxima, open vhost '/'. */
  async handshake(tune: { channelMax?: number; frameMax?: number } = {}): Promise<void> {
    this.write(PROTOCOL_HEADER);
    await this.expectMethod('connection.start');
    this.send(0, { method: 'connection.start-ok', clientProperties: [], mechanism: 'PLAIN', response: Buffer.from('\0guest\0guest'), locale: 'en_US' });
    const t = await this.expectMethod('connection.tune');
    this.send(0, { method: 'connection.tune-ok', channelMax: tune.channelMax ?? t.channelMax, frameMax: tune.frameMax ?? t.frameMax, heartbeat: 0 });
    this.send(0, { method: 'connection.open', virtualHost: '/', capabilities: '', insist: false });
    await this.expectMethod('connection.open-ok');
  }

  async openChannel(id: number): Promise<void> {
    this.send(id, { method: 'channel.open', outOfBand: '' });
    await this.until(() => this.received.some((r) => r.channel === id && r.method?.method === 'channel.open-ok'), `channel.open-ok ${id}`);
  }

  close(): void {
    this.socket.destroy();
  }
}
