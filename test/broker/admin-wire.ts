// A raw Kafka wire client for tests that need exact request versions or malformed bytes:
// one socket, frames in and out, responses decoded with the generated codecs.
import { connect, type Socket } from 'node:net';
import { FrameDecoder } from '../../src/protocol/framing.js';
import { decodeResponseHeader, encodeRequestFrame } from '../../src/protocol/headers.js';
import { responseHeaderVersion } from '../../src/protocol/messages/index.js';
import type { ApiDefinition, MessageInput } from '../../src/protocol/primitives/codec.js';
import { ByteReader } from '../../src/protocol/primitives/byte-reader.js';

export class WireClient {
  private readonly decoder = new FrameDecoder({ maxFrameSize: 1 << 30 });
  private readonly frames: Buffer[] = [];
  private waiting: (() => void) | null = null;
  private correlationId = 1;
  closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(chunk);
      for (let f = this.decoder.next(); f; f = this.decoder.next()) this.frames.push(Buffer.from(f));
      this.wake();
    });
    this.closedPromise = new Promise((resolve) => {
      socket.on('close', () => {
        this.closed = true;
        this.wake();
        resolve();
      });
    });
    socket.on('error', () => undefined);
  }

  static connect(port: number): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => resolve(new WireClient(s)));
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /** The next response frame, or null when the broker closed the connection first. */
  async nextFrame(): Promise<Buffer | null> {
    while (this.frames.length === 0 && !this.closed) await new Promise<void>((r) => (this.waiting = r));
    return this.frames.shift() ?? null;
  }

  writeRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async request<Req, Res>(api: ApiDefinition<Req, Res>, version: number, body: MessageInput<Req>): Promise<Res> {
    const correlationId = this.correlationId++;
    this.socket.write(encodeRequestFrame({ apiKey: api.apiKey, apiVersion: version, correlationId, clientId: 'wire-test' }, api.request, body));
    const frame = await this.nextFrame();
    if (!frame) throw new Error(`connection closed before the ${api.name} v${version} response`);
    const header = decodeResponseHeader(frame, responseHeaderVersion(api.apiKey, version));
    if (header.correlationId !== correlationId) throw new Error(`correlation id ${header.correlationId}, expected ${correlationId}`);
    return api.response.read(new ByteReader(frame, header.bodyOffset), version);
  }

  /** Resolves when the broker has closed the connection. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  close(): void {
    this.socket.destroy();
  }
}
