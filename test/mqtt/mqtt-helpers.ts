// Shared pieces of the MQTT tests: an in-process Brook with its MQTT listener on a free port, MQTT.js
// clients with promise helpers, and a raw client on Brook's own codec for byte-level tests.
import { connect as netConnect, type Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient, type IPublishPacket } from 'mqtt';
import { PacketFramer, decodePacket, encodePacket, type Packet, type ProtocolVersion } from '../../src/mqtt/index.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';

export interface MqttTestBroker extends Omit<TestBroker, 'restart'> {
  mqttPort: number;
  url: string;
  /** Closes the broker and starts a new one on the same data dir (MQTT on a new free port). */
  restart(extra?: Parameters<TestBroker['restart']>[0]): Promise<MqttTestBroker>;
}

export async function startMqttBroker(config: Record<string, string> = {}, dataDir?: string): Promise<MqttTestBroker> {
  const b = await startTestBroker({ mqttPort: 0, config }, dataDir);
  return withMqtt(b);
}

export function withMqtt(b: TestBroker): MqttTestBroker {
  const port = b.broker.mqttPort;
  if (port === null) throw new Error('the MQTT listener is off');
  const restart = b.restart;
  return { ...b, mqttPort: port, url: `mqtt://127.0.0.1:${port}`, restart: async (extra = {}) => withMqtt(await restart({ mqttPort: 0, ...extra })) };
}

export interface Received {
  topic: string;
  payload: string;
  packet: IPublishPacket;
}

/** An MQTT.js client that records what it receives. */
export interface TestClient {
  client: MqttClient;
  /** Session Present of the CONNACK. */
  sessionPresent: boolean;
  received: Received[];
  /** Resolves once `n` messages in total have arrived (throws after `limitMs`: a guard, not a sync). */
  waitFor(n: number, limitMs?: number): Promise<Received[]>;
  close(force?: boolean): Promise<void>;
}

export async function connectClient(url: string, options: IClientOptions = {}): Promise<TestClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options });
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  client.on('message', (topic, payload, packet) => {
    received.push({ topic, payload: payload.toString('utf8'), packet });
    for (const w of [...waiters]) if (received.length >= w.n) w.resolve();
  });
  let sessionPresent = false;
  await new Promise<void>((resolve, reject) => {
    client.once('connect', (ack) => {
      sessionPresent = ack.sessionPresent;
      resolve();
    });
    client.once('error', reject);
    client.once('close', () => reject(new Error('closed before CONNACK')));
  });
  return {
    client,
    sessionPresent,
    received,
    waitFor(n, limitMs = 15_000) {
      if (received.length >= n) return Promise.resolve(received.slice());
      return new Promise((resolve, reject) => {
        const guard = setTimeout(() => reject(new Error(`got ${received.length} of ${n} messages: ${JSON.stringify(received.map((r) => [r.topic, r.payload]))}`)), limitMs);
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(guard);
            resolve(received.slice());
          },
        });
      });
    },
    close: (force = false) => new Promise<void>((resolve) => client.end(force, {}, () => resolve())),
  };
}

/** A test condition polled until true (for states with no event to wait on); throws after `limitMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, limitMs = 15_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Distribute<P, T> = P extends { type: infer U } ? (T extends U ? P : never) : never;
/** The packet type(s) whose `type` can be T (AckPacket covers four). */
export type PacketOf<T extends Packet['type']> = Distribute<Packet, T>;

/** A client speaking raw MQTT with Brook's codec: for byte-level and rule-breaking tests. */
export class RawClient {
  readonly packets: Packet[] = [];
  private readonly framer = new PacketFramer();
  private waiters: (() => void)[] = [];
  closed = false;
  readonly closedPromise: Promise<void>;

  private constructor(
    readonly socket: Socket,
    public version: ProtocolVersion,
  ) {
    socket.on('data', (chunk: Buffer) => {
      this.framer.push(chunk);
      for (let raw = this.framer.next(); raw !== null; raw = this.framer.next()) this.packets.push(decodePacket(raw.first, raw.body, this.version));
      this.wake();
    });
    this.closedPromise = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      }),
    );
    socket.on('error', () => {});
  }

  static open(port: number, version: ProtocolVersion = 5): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = netConnect(port, '127.0.0.1', () => resolve(new RawClient(socket, version)));
      socket.once('error', reject);
    });
  }

  /** Opens and completes CONNECT; returns the client with the CONNACK consumed. */
  static async connected(port: number, version: ProtocolVersion, clientId: string, extra: Partial<Extract<Packet, { type: 'connect' }>> = {}): Promise<RawClient> {
    const c = await RawClient.open(port, version);
    c.send({ type: 'connect', protocolVersion: version, cleanStart: true, keepAlive: 60, clientId, ...extra });
    const ack = await c.next('connack');
    if (ack.type !== 'connack' || ack.reasonCode !== 0) throw new Error(`CONNECT refused: ${JSON.stringify(ack)}`);
    return c;
  }

  send(p: Packet): void {
    this.socket.write(encodePacket(p, this.version));
  }

  writeRaw(bytes: Buffer | number[]): void {
    this.socket.write(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
  }

  /** The next packet of `type` (removed from the list), or rejects when the connection closes first. */
  async next<T extends Packet['type']>(type: T, limitMs = 10_000): Promise<PacketOf<T>> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      const i = this.packets.findIndex((p) => p.type === type);
      if (i >= 0) return this.packets.splice(i, 1)[0] as PacketOf<T>;
      if (this.closed) throw new Error(`connection closed before a ${type}; got ${JSON.stringify(this.packets.map((p) => p.type))}`);
      if (Date.now() > deadline) throw new Error(`no ${type} within ${limitMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
