// One AMQP 0-9-1 connection (RabbitMQ's rabbit_reader): the protocol header, the handshake
// (start / start-ok with PLAIN or AMQPLAIN / tune / tune-ok / open), channels, and errors. The
// handshake's rules live in connection-negotiation.ts, output batching in connection-output.ts,
// heartbeats in heartbeats.ts and method decoding in method-decoding.ts.
//
//   - A wrong protocol header is answered with "AMQP 0 0 9 1" and the socket closed.
//   - Frames are handled in order; a method that waits (declarations written to disk) holds back
//     the frames after it, so a publish after a declare always finds the queue.
//   - Soft errors close the channel (channel.close; frames on it are then ignored until
//     channel.close-ok); hard errors close the connection (connection.close, then the socket once
//     the client answers or after a second). Either way the broker keeps serving everyone else.
import { AmqpAcl } from './amqp-acl.js';
import type { SharedUsers } from './auth.js';
import type { Socket } from 'node:net';
import {
  AmqpConstant,
  AmqpDecodeError,
  FrameParser,
  FrameType,
  HEARTBEAT_FRAME,
  PROTOCOL_HEADER,
  decodeContentHeader,
  decodeMethodPayload,
  encodeMethodFrame,
  methodIdsOf,
  type AmqpMethod,
} from '../../amqp/index.js';
import type { Logger } from '../../util/logger.js';
import type { AmqpAuthenticator, AuthResult } from './auth.js';
import { Channel } from './channel.js';
import { handleChannelMethod } from './channel-methods.js';
import { clientCapabilities, connectionStart, negotiateTuning } from './connection-negotiation.js';
import { ConnectionOutput } from './connection-output.js';
import { AmqpError, Reply } from './errors.js';
import { startHeartbeats } from './heartbeats.js';
import { decodeMethod, rethrowWithMethod } from './method-decoding.js';
import type { ChannelHost } from './session.js';
import type { AmqpQueue } from './queue.js';
import { FLOW_DRAIN_MS } from './drain-pace.js';
import type { VirtualHost } from './vhost.js';

export interface ConnectionLimits {
  channelMax: number;
  frameMax: number;
  heartbeatSeconds: number;
  maxMessageBytes: number;
  /** Delivery acknowledgement timeout, ms (0: none). */
  consumerTimeoutMs: number;
}

export interface ConnectionServices {
  authenticator: AmqpAuthenticator;
  /** The broker's users and ACLs (amqp-acl.ts); absent: no ACLs. */
  users?: SharedUsers;
  vhost(name: string): VirtualHost | undefined;
  limits: ConnectionLimits;
  logger: Logger;
  now(): number;
  /** The broker-wide resource alarm: set while publishers must be blocked (connection.blocked). */
  blockedReason(): string | null;
  onClosed(c: AmqpConnection): void;
}

type State = 'header' | 'start' | 'tune' | 'open' | 'running' | 'closing' | 'closed';

const INPUT_PAUSE_BYTES = 16 * 1024 * 1024;
let nextId = 1;

export class AmqpConnection implements ChannelHost {
  readonly connectionId = (nextId++).toString(36);
  readonly connectionKey = this;
  readonly acl: AmqpAcl;
  readonly logger: Logger;
  user = '';
  vhost!: VirtualHost;
  frameMax: number = AmqpConstant.FRAME_MIN_SIZE;
  channelMax = 0;
  cancelNotify = false;
  blockedNotify = false;
  private state: State = 'header';
  private readonly parser: FrameParser;
  private readonly channels = new Map<number, Channel>();
  /** Channels we sent channel.close on: their frames are dropped until channel.close-ok. */
  private readonly closingChannels = new Set<number>();
  private busy = false;
  private readonly output: ConnectionOutput;
  private lastReceived = 0;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private blockedSent = false;
  /** Reading is paused because this connection published while the resource alarm was set. */
  private heldByAlarm = false;
  /** Reading is paused by publisher flow control: a queue it published to has a backlog (queue.ts). */
  private heldByBacklog: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly services: ConnectionServices,
  ) {
    this.logger = services.logger.child({ connection: this.connectionId, remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}` });
    this.parser = new FrameParser(services.limits.frameMax);
    this.acl = new AmqpAcl(services.users ?? null, socket.remoteAddress ?? '');
    this.output = new ConnectionOutput(socket, () => services.now());
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.logger.debug('socket error', { error: e.message }));
    socket.on('close', () => void this.teardown());
    this.lastReceived = services.now();
  }

  get maxMessageBytes(): number {
    return this.services.limits.maxMessageBytes;
  }

  get consumerTimeoutMs(): number {
    return this.services.limits.consumerTimeoutMs;
  }

  failChannel(channel: number, e: AmqpError): void {
    if (this.state !== 'running' || !this.channels.has(channel)) return;
    this.channelError(channel, e);
  }

  now(): number {
    return this.services.now();
  }

  // ---- output ----

  sendMethod(channel: number, m: AmqpMethod): void {
    this.write(encodeMethodFrame(channel, m));
  }

  sendFrames(frames: Buffer[]): void {
    if (this.state === 'closed') return;
    for (const f of frames) this.output.queue(f);
  }

  private write(b: Buffer): void {
    if (this.state === 'closed') return;
    this.output.queue(b);
  }

  writeBlocked(): boolean {
    return this.output.writeBlocked();
  }

  onDrain(fn: () => void): void {
    this.output.onDrain(fn);
  }

  /**
   * Publisher flow control (drain-pace.ts): this connection published to a queue whose streaming
   * consumers are behind, so it is not read (the frames already read wait in the parser) until
   * that queue is down to half its bound, for at most FLOW_DRAIN_MS at a time (its consumers were
   * taking that many messages within the window; if they slowed down, the hold ends anyway).
   * Connections that consume are never held: their acknowledgements are what drains the backlog.
   */
  holdForBacklog(queue: AmqpQueue): void {
    if (this.heldByBacklog || this.state !== 'running') return;
    for (const ch of this.channels.values()) if (ch.consumers.size > 0) return;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      if (this.heldByBacklog) clearTimeout(this.heldByBacklog);
      this.heldByBacklog = null;
      // Not from inside the queue's delivery turn that released it.
      setImmediate(() => {
        if (this.state !== 'closed') this.drain();
      });
    };
    this.heldByBacklog = setTimeout(release, FLOW_DRAIN_MS);
    this.heldByBacklog.unref();
    this.socket.pause();
    queue.onBacklogDrained(release);
  }

  // ---- input ----

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastReceived = this.services.now();
    this.parser.push(chunk);
    if (this.parser.bufferedBytes > INPUT_PAUSE_BYTES) this.socket.pause();
    this.drain();
  }

  private drain(): void {
    while (!this.busy && !this.heldByAlarm && !this.heldByBacklog && this.state !== 'closed') {
      if (this.state === 'header') {
        const header = this.parser.takeRaw(8);
        if (!header) break;
        if (!header.equals(PROTOCOL_HEADER)) {
          this.logger.info('refused a connection with a wrong protocol header', { header: header.toString('hex') });
          this.socket.end(PROTOCOL_HEADER);
          this.state = 'closed';
          return;
        }
        this.state = 'start';
        this.sendMethod(0, connectionStart(this.services.authenticator.mechanisms));
        continue;
      }
      let frame;
      try {
        frame = this.parser.next();
      } catch (e) {
        this.hardError(e instanceof AmqpDecodeError ? Reply.frameError(e.message) : Reply.internalError(String(e)));
        return;
      }
      if (!frame) break;
      let result: Promise<void> | void;
      try {
        result = this.onFrame(frame.type, frame.channel, frame.payload);
      } catch (e) {
        this.fail(e, frame.channel);
        continue;
      }
      if (result) {
        this.busy = true;
        result
          .catch((e: unknown) => this.fail(e, frame.channel))
          .finally(() => {
            this.busy = false;
            this.drain();
          });
      }
    }
    if (!this.busy && !this.heldByAlarm && !this.heldByBacklog && this.socket.isPaused() && this.parser.bufferedBytes < INPUT_PAUSE_BYTES / 2) this.socket.resume();
  }

  private fail(e: unknown, channel: number): void {
    if (!(e instanceof AmqpError)) {
      if (e instanceof AmqpDecodeError) e = Reply.syntaxError(e.message);
      else {
        this.logger.error('internal error handling a frame', { channel, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        e = Reply.internalError(e instanceof Error ? e.message : String(e));
      }
    }
    const err = e as AmqpError;
    if (err.hard || channel === 0) this.hardError(err);
    else this.channelError(channel, err);
  }

  private onFrame(type: number, channel: number, payload: Buffer): Promise<void> | void {
    if (this.state === 'closing') {
      if (type === FrameType.Method && channel === 0) {
        const m = decodeMethodPayload(payload);
        if (m.method === 'connection.close-ok' || m.method === 'connection.close') {
          if (m.method === 'connection.close') this.sendMethod(0, { method: 'connection.close-ok' });
          this.finish();
        }
      }
      return;
    }
    if (type === FrameType.Heartbeat) {
      if (channel !== 0) throw Reply.frameError('heartbeat frame on a non-zero channel');
      return;
    }
    if (channel === 0) {
      if (type !== FrameType.Method) throw Reply.unexpectedFrame(`non-method frame on channel 0`);
      return this.onConnectionMethod(decodeMethod(payload));
    }
    if (this.state !== 'running') throw Reply.unexpectedFrame(`frame on channel ${channel} before the connection is open`);
    if (this.closingChannels.has(channel)) {
      if (type === FrameType.Method) {
        const m = decodeMethod(payload);
        if (m.method === 'channel.close-ok') this.closingChannels.delete(channel);
        else if (m.method === 'channel.close') this.sendMethod(channel, { method: 'channel.close-ok' });
      }
      return;
    }
    const ch = this.channels.get(channel);
    if (!ch) {
      if (type !== FrameType.Method) throw Reply.channelError(`expected 'channel.open'`);
      const m = decodeMethod(payload);
      if (m.method !== 'channel.open') throw Object.assign(Reply.channelError(`expected 'channel.open'`), methodIdsOf(payload));
      if (channel > (this.channelMax || 65535) || this.channels.size >= (this.channelMax || 65535)) {
        throw Reply.notAllowed(`number of channels opened (${this.channels.size}) has reached the negotiated channel_max (${this.channelMax})`);
      }
      this.channels.set(channel, new Channel(channel, this, handleChannelMethod));
      this.sendMethod(channel, { method: 'channel.open-ok', channelId: Buffer.alloc(0) });
      return;
    }
    switch (type) {
      case FrameType.Method: {
        const m = decodeMethod(payload);
        if (m.method === 'channel.open') throw Object.assign(Reply.channelError(`second 'channel.open' seen`), methodIdsOf(payload));
        if (m.method === 'channel.close') {
          this.channels.delete(channel);
          this.sendMethod(channel, { method: 'channel.close-ok' });
          return ch.close();
        }
        if (m.method === 'channel.close-ok') return;
        if (m.method.startsWith('connection.')) throw Reply.commandInvalid(`connection method ${m.method} on channel ${channel}`);
        if (m.method === 'basic.publish' && this.services.blockedReason() !== null) {
          // As RabbitMQ: a connection that publishes while the alarm is set stops being read
          // (this publish still completes) until the alarm clears.
          this.noteBlocked();
          this.heldByAlarm = true;
          this.socket.pause();
        }
        try {
          const r = ch.onMethod(m);
          return r instanceof Promise ? r.catch((e: unknown) => rethrowWithMethod(e, payload)) : r;
        } catch (e) {
          return rethrowWithMethod(e, payload);
        }
      }
      case FrameType.Header: {
        const h = decodeContentHeader(payload);
        return ch.onHeader(h.classId, h.bodySize, h.properties);
      }
      case FrameType.Body:
        return ch.onBody(payload);
      default:
        throw Reply.frameError(`unknown frame type ${type}`);
    }
  }

  /** The rest of connection.start-ok once the authenticator has answered. */
  private afterLogin(mechanism: string, caps: Set<string>, auth: AuthResult): void {
    if (!auth.ok) {
      this.logger.warn('AMQP login refused', { user: auth.user, mechanism: mechanism, reason: auth.reason });
      // As RabbitMQ: connection.close 403 only for clients announcing authentication_failure_close;
      // others just see the socket close (0-9-1 has no other way to say it).
      if (!caps.has('authentication_failure_close')) {
        this.state = 'closed';
        this.output.flush();
        this.socket.end();
        this.services.onClosed(this);
        return;
      }
      throw Reply.accessRefused(`Login was refused using authentication mechanism ${mechanism}. For details see the broker logfile.`);
    }
    this.user = auth.user;
    this.state = 'tune';
    const l = this.services.limits;
    this.sendMethod(0, { method: 'connection.tune', channelMax: l.channelMax, frameMax: l.frameMax, heartbeat: l.heartbeatSeconds });
  }

  private onConnectionMethod(m: AmqpMethod): Promise<void> | void {
    switch (m.method) {
      case 'connection.start-ok': {
        if (this.state !== 'start') throw Reply.commandInvalid(`unexpected ${m.method}`);
        const caps = clientCapabilities(m.clientProperties);
        this.cancelNotify = caps.has('consumer_cancel_notify');
        this.blockedNotify = caps.has('connection.blocked');
        if (!this.services.authenticator.mechanisms.includes(m.mechanism)) {
          throw Reply.commandInvalid(`unknown authentication mechanism '${m.mechanism}'`);
        }
        const verdict = this.services.authenticator.authenticate(m.mechanism, m.response, this.socket.remoteAddress ?? '');
        return verdict instanceof Promise ? verdict.then((auth) => this.afterLogin(m.mechanism, caps, auth)) : this.afterLogin(m.mechanism, caps, verdict);
      }
      case 'connection.secure-ok':
        throw Reply.commandInvalid('unexpected connection.secure-ok');
      case 'connection.tune-ok': {
        if (this.state !== 'tune') throw Reply.commandInvalid(`unexpected ${m.method}`);
        const tuned = negotiateTuning(this.services.limits, m);
        this.frameMax = tuned.frameMax;
        this.parser.frameMax = this.frameMax;
        this.channelMax = tuned.channelMax;
        this.heartbeatTimer = startHeartbeats(m.heartbeat, {
          now: () => this.services.now(),
          lastReceived: () => this.lastReceived,
          lastSent: () => this.output.lastSent,
          notBeingRead: () => this.heldByAlarm,
          sendHeartbeat: () => this.write(HEARTBEAT_FRAME),
          timedOut: () => {
            this.logger.warn('missed heartbeats from client', { timeoutSeconds: m.heartbeat });
            this.socket.destroy();
          },
        });
        this.state = 'open';
        return;
      }
      case 'connection.open': {
        if (this.state !== 'open') throw Reply.commandInvalid(`unexpected ${m.method}`);
        const vhost = this.services.vhost(m.virtualHost);
        if (!vhost) throw Reply.notAllowed(`vhost ${m.virtualHost} not found`);
        if (!this.services.authenticator.mayOpen(this.user, m.virtualHost) || !this.acl.mayOpenVhost(this.user, m.virtualHost)) {
          throw Reply.notAllowed(`access to vhost '${m.virtualHost}' refused for user '${this.user}'`);
        }
        this.vhost = vhost;
        this.state = 'running';
        this.sendMethod(0, { method: 'connection.open-ok', knownHosts: '' });
        if (this.services.blockedReason() !== null) this.noteBlocked();
        return;
      }
      case 'connection.close':
        this.sendMethod(0, { method: 'connection.close-ok' });
        this.finish();
        return;
      case 'connection.close-ok':
        this.finish();
        return;
      case 'connection.update-secret':
        this.sendMethod(0, { method: 'connection.update-secret-ok' });
        return;
      case 'connection.blocked':
      case 'connection.unblocked':
        return;
      default:
        throw Reply.commandInvalid(`method ${m.method} on channel 0`);
    }
  }

  // ---- resource alarm ----

  private noteBlocked(): void {
    const reason = this.services.blockedReason();
    if (reason !== null && this.blockedNotify && !this.blockedSent) {
      this.blockedSent = true;
      this.sendMethod(0, { method: 'connection.blocked', reason });
    }
  }

  /** The alarm cleared (or tripped): tells a client that asked for connection.blocked. */
  alarmChanged(): void {
    if (this.state !== 'running') return;
    if (this.services.blockedReason() === null) {
      if (this.blockedSent) {
        this.blockedSent = false;
        this.sendMethod(0, { method: 'connection.unblocked' });
      }
      if (this.heldByAlarm) {
        this.heldByAlarm = false;
        this.lastReceived = this.services.now();
        this.drain();
      }
    }
  }

  // ---- closing ----

  private channelError(channel: number, e: AmqpError): void {
    const ch = this.channels.get(channel);
    this.logger.info('channel error', { channel, code: e.replyCode, text: e.replyText });
    this.channels.delete(channel);
    this.closingChannels.add(channel);
    this.sendMethod(channel, { method: 'channel.close', replyCode: e.replyCode, replyText: e.replyText, classId: e.classId, methodId: e.methodId });
    if (ch) void ch.close();
  }

  hardError(e: AmqpError): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.logger.info('closing connection after an error', { code: e.replyCode, text: e.replyText });
    const wasHandshaking = this.state !== 'running';
    this.sendMethod(0, { method: 'connection.close', replyCode: e.replyCode, replyText: e.replyText, classId: e.classId, methodId: e.methodId });
    this.state = 'closing';
    void this.closeChannels();
    this.closeTimer = setTimeout(() => this.finish(), wasHandshaking ? 100 : 1000);
    this.closeTimer.unref();
  }

  /** Server shutdown: connection.close 320 CONNECTION_FORCED. */
  forceClose(): void {
    this.hardError(new AmqpError(AmqpConstant.CONNECTION_FORCED, 'broker forced connection closure with reason \'shutdown\''));
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.output.flush();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    void this.teardown();
  }

  private async closeChannels(): Promise<void> {
    const all = [...this.channels.values()];
    this.channels.clear();
    await Promise.all(all.map((c) => c.close().catch(() => {})));
  }

  private async teardown(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.closeTimer) clearTimeout(this.closeTimer);
    await this.closeChannels();
    this.services.onClosed(this);
  }

  channel(id: number): Channel | undefined {
    return this.channels.get(id);
  }

  allChannels(): IterableIterator<Channel> {
    return this.channels.values();
  }
}
