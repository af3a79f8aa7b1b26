// One MQTT network connection (TCP, or a WebSocket stream): packets cut from the byte stream
// (packet-framer.ts), decoded, handled in order; the session it attaches to (session.ts) sends the
// messages. CONNECT handling is in connect.ts, PUBLISH in inbound-publish.ts.
//
// Bad input (MQTT 5.0 §4.13): a packet that does not decode, exceeds the Maximum Packet Size, or
// breaks a rule closes the connection -- after a DISCONNECT with the reason code on a 5.0 connection
// past CONNECT (a CONNACK with it before), silently on 3.1.1, which has no reason codes -- with one log
// line; the will is published (§3.1.2.5) and the broker keeps serving everyone else.
//
// Keep alive (§3.1.2.10): no packet for one and a half times the keep-alive interval closes the
// connection (DISCONNECT 0x8D). Backpressure: reading pauses while too many publishes wait for the
// log, and messages to the client wait in the session while the socket holds too many bytes.
import { ANONYMOUS_PRINCIPAL } from './mqtt-acl.js';
import type { Duplex } from 'node:stream';
import {
  MqttError,
  PacketFramer,
  ReasonCode,
  decodePacket,
  encodePacket,
  publishPacketSize,
  reasonName,
  type AckPacket,
  type Packet,
  type ProtocolVersion,
  type PublishPacket,
} from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import { handleConnect } from './connect.js';
import type { ConnectionPort, ConnectionServices } from './connection-port.js';
import { InboundPublishes } from './inbound-publish.js';
import { SubscribeViolation, splitFilter } from './router.js';
import type { Delivery, Session } from './session.js';
import type { SessionOwner } from './session-registry.js';

/** The socket holds at most this many unsent bytes before deliveries wait in the session. */
const MAX_BUFFERED_BYTES = 1 << 20;

export class MqttConnection implements SessionOwner, ConnectionPort {
  version: ProtocolVersion = 4;
  session: Session | null = null;
  clientId = '';
  principal = ANONYMOUS_PRINCIPAL;
  /** The client's Receive Maximum (§3.1.2.11.3). */
  receiveMaximum = 65535;
  /** The client's Maximum Packet Size (§3.1.2.11.4). */
  maxPacketSize = Infinity;
  /** The client's Topic Alias Maximum (§3.1.2.11.5): aliases the server may use towards it. */
  topicAliasMaximum = 0;
  /** Request Problem Information (§3.1.2.11.7): 0 keeps reason strings out of acknowledgements. */
  problemInformation = true;
  readonly logger: Logger;
  private state: 'awaiting-connect' | 'connecting' | 'connected' | 'closed' = 'awaiting-connect';
  private readonly framer: PacketFramer;
  private readonly inbound: InboundPublishes;
  private readonly outAliases = new Map<string, number>();
  private keepAliveMs = 0;
  private lastPacketAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private corked = false;
  private sawFirstByte = false;
  private paused = false;
  private onClosed: (() => void)[] = [];

  constructor(
    private readonly stream: Duplex,
    readonly id: number,
    readonly remoteAddress: string,
    readonly services: ConnectionServices,
  ) {
    this.logger = services.logger.child({ conn: id, client: remoteAddress });
    this.framer = new PacketFramer(services.settings.maxPacketSize);
    this.inbound = new InboundPublishes(this);
    stream.on('data', (chunk: Buffer) => this.onData(chunk));
    stream.on('drain', () => this.resumeDeliveries());
    stream.on('error', (e) => this.logger.debug('socket error', { error: e.message }));
    stream.on('close', () => this.finish(true));
    stream.on('end', () => this.finish(true));
    this.arm(services.settings.connectTimeoutMs);
  }

  /** Called once the connection is closed (the server forgets it). */
  whenClosed(fn: () => void): void {
    this.onClosed.push(fn);
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  // --- input ---------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.lastPacketAt = Date.now();
    const firstByte = this.state === 'awaiting-connect' && !this.sawFirstByte && chunk.length > 0 ? chunk[0] : undefined;
    if (firstByte !== undefined) this.sawFirstByte = true;
    this.framer.push(chunk);
    try {
      // A stream that does not start with CONNECT's fixed header byte (0x10) is not MQTT (say an HTTP
      // request): close it now rather than wait for a remaining length that may never arrive.
      if (firstByte !== undefined && firstByte !== 0x10) throw new MqttError(ReasonCode.ProtocolError, `the first packet must be CONNECT, not a packet starting 0x${firstByte.toString(16).padStart(2, '0')} [MQTT-3.1.0-1]`);
      // While CONNECT is being answered, later packets stay in the framer.
      while (this.state === 'awaiting-connect' || this.state === 'connected') {
        const raw = this.framer.next();
        if (raw === null) break;
        this.handle(decodePacket(raw.first, raw.body, this.version));
      }
    } catch (e) {
      if (e instanceof MqttError) this.fail(e.reasonCode, e.message);
      else if (e instanceof SubscribeViolation) this.fail(e.reasonCode, e.message);
      else {
        this.logger.error('internal error handling an MQTT packet', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        this.fail(ReasonCode.ImplementationSpecificError, 'internal error');
      }
    }
  }

  private handle(packet: Packet): void {
    if (this.state === 'awaiting-connect') {
      if (packet.type !== 'connect') throw new MqttError(ReasonCode.ProtocolError, `the first packet must be CONNECT, not ${packet.type.toUpperCase()} [MQTT-3.1.0-1]`);
      this.state = 'connecting';
      this.version = packet.protocolVersion;
      this.stream.pause();
      handleConnect(this, packet).then(
        (accepted) => {
          if (!accepted) return;
          if (this.state === 'closed') {
            // Closed between CONNACK and here: the session sees a dropped connection.
            accepted.session.attach(this, accepted.present);
            this.services.registry.closed(accepted.session, this, true);
            return;
          }
          this.state = 'connected';
          this.arm(this.keepAliveMs);
          accepted.session.attach(this, accepted.present);
          this.stream.resume();
          // Packets that arrived behind CONNECT, before it was answered.
          this.onData(Buffer.alloc(0));
        },
        (e: unknown) => {
          this.logger.error('CONNECT failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
          this.fail(ReasonCode.UnspecifiedError, 'internal error', true);
        },
      );
      return;
    }
    if (this.state !== 'connected') return;
    const session = this.session!;
    switch (packet.type) {
      case 'publish':
        this.inbound.receive(packet, session);
        return;
      case 'puback':
        session.onPuback(packet.packetId);
        return;
      case 'pubrec':
        session.onPubrec(packet.packetId, packet.reasonCode);
        return;
      case 'pubcomp':
        session.onPubcomp(packet.packetId);
        return;
      case 'pubrel':
        this.inbound.release(packet.packetId, session);
        return;
      case 'subscribe':
        this.subscribe(packet, session);
        return;
      case 'unsubscribe':
        this.serially(async () => {
          const reasonCodes = await this.services.router.unsubscribe(session, packet);
          await this.services.registry.save(session, true);
          this.send({ type: 'unsuback', packetId: packet.packetId, reasonCodes });
        });
        return;
      case 'pingreq':
        this.send({ type: 'pingresp' });
        return;
      case 'disconnect':
        this.onDisconnect(packet.reasonCode, packet.properties?.sessionExpiryInterval);
        return;
      case 'connect':
        throw new MqttError(ReasonCode.ProtocolError, 'a second CONNECT [MQTT-3.1.0-2]');
      case 'auth':
        throw new MqttError(ReasonCode.ProtocolError, 'AUTH without an authentication method in CONNECT');
      default:
        throw new MqttError(ReasonCode.ProtocolError, `a ${packet.type.toUpperCase()} packet from a client`);
    }
  }

  /** SUBSCRIBE and UNSUBSCRIBE are answered in order, after a persistent session's change is fsynced. */
  private chain: Promise<void> = Promise.resolve();
  private serially(work: () => Promise<void>): void {
    this.chain = this.chain.then(work).catch((e: unknown) => {
      if (e instanceof SubscribeViolation) this.fail(e.reasonCode, e.message);
      else {
        this.logger.error('handling a subscription change failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        this.fail(ReasonCode.UnspecifiedError, 'internal error');
      }
    });
  }

  private subscribe(packet: Extract<Packet, { type: 'subscribe' }>, session: Session): void {
    this.serially(async () => {
      // ACLs (mqtt-acl.ts): a refused filter is answered 0x87 (5.0) / 0x80 (3.1.1) and not subscribed.
      const refused = packet.subscriptions.map((s) => {
        const filter = unshared(s.filter);
        return filter !== null && !this.services.acl.maySubscribe(this.principal, this.remoteAddress, filter);
      });
      const allowed = refused.some(Boolean) ? { ...packet, subscriptions: packet.subscriptions.filter((_, i) => !refused[i]) } : packet;
      const outcome = await this.services.router.subscribe(session, allowed, this.version);
      await this.services.registry.save(session, true);
      if (this.state === 'closed') return;
      let next = 0;
      const reasonCodes = refused.map((r) => (r ? (this.version === 5 ? ReasonCode.NotAuthorized : 0x80) : outcome.reasonCodes[next++]!));
      this.send({ type: 'suback', packetId: packet.packetId, reasonCodes });
      outcome.sendRetained();
    });
  }

  private onDisconnect(reasonCode: number, expiry: number | undefined): void {
    const session = this.session!;
    if (expiry !== undefined) {
      // [MQTT-3.14.2-2]: a session that had expiry 0 at CONNECT cannot be given one now.
      if (session.expiryInterval === 0 && expiry !== 0) throw new MqttError(ReasonCode.ProtocolError, 'DISCONNECT sets a session expiry interval on a session that had none');
      this.services.registry.setExpiry(session, Math.min(expiry, this.services.settings.maxSessionExpiry));
    }
    this.logger.debug('client disconnected', { clientId: this.clientId, reason: reasonName(reasonCode) });
    this.end(reasonCode === ReasonCode.DisconnectWithWill);
  }

  // --- output --------------------------------------------------------------------------------

  send(packet: Packet): void {
    if (this.state === 'closed') return;
    this.write(encodePacket(packet, this.version));
  }

  private write(buf: Buffer): void {
    // Everything written in one turn goes out in one writev.
    if (!this.corked) {
      this.corked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.corked = false;
        this.stream.uncork();
      });
    }
    this.stream.write(buf);
  }

  writable(): boolean {
    return this.state === 'connected' && this.stream.writableLength < MAX_BUFFERED_BYTES;
  }

  sendAck(packet: AckPacket): void {
    if (!this.problemInformation && packet.properties?.reasonString !== undefined) packet = { ...packet, properties: { ...packet.properties, reasonString: undefined } };
    this.send(packet);
  }

  /** Sends a delivery as PUBLISH (§3.3): properties forwarded, expiry counted down, topic alias when the client allows them. */
  sendPublish(d: Delivery, packetId: number, dup: boolean): boolean {
    const m = d.message;
    const packet: PublishPacket = { type: 'publish', topic: m.topic, payload: m.payload, qos: d.qos, retain: d.retain, dup };
    if (d.qos > 0) packet.packetId = packetId;
    let newAlias = 0;
    if (this.version === 5) {
      const props = { ...m.properties };
      // [MQTT-3.3.2-6]: the interval sent is what is left of it.
      if (m.expiresAt !== Infinity) props.messageExpiryInterval = Math.max(0, Math.ceil((m.expiresAt - Date.now()) / 1000));
      if (d.subscriptionIds.length > 0) props.subscriptionIdentifiers = [...d.subscriptionIds];
      if (this.topicAliasMaximum > 0) {
        const alias = this.outAliases.get(m.topic);
        if (alias !== undefined) {
          props.topicAlias = alias;
          packet.topic = '';
        } else if (this.outAliases.size < this.topicAliasMaximum) {
          newAlias = this.outAliases.size + 1;
          props.topicAlias = newAlias;
        }
      }
      packet.properties = props;
    }
    // [MQTT-3.1.2-24]: never more than the client's Maximum Packet Size.
    if (this.maxPacketSize !== Infinity && publishPacketSize(packet, this.version) > this.maxPacketSize) return false;
    if (newAlias > 0) this.outAliases.set(m.topic, newAlias);
    this.write(encodePacket(packet, this.version));
    return true;
  }

  private resumeDeliveries(): void {
    if (this.state !== 'connected' || !this.session) return;
    this.session.pump();
    this.services.registry.capacity(this.session);
  }

  /** Reading pauses while too many publishes wait for the log (inbound-publish.ts). */
  setReading(on: boolean): void {
    if (on === !this.paused || this.state === 'closed') return;
    this.paused = !on;
    if (on) this.stream.resume();
    else this.stream.pause();
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /** The CONNECT handler's results (connect.ts). */
  accepted(session: Session, keepAliveSeconds: number): void {
    this.session = session;
    this.keepAliveMs = keepAliveSeconds * 1500; // [MQTT-3.1.2-22]: one and a half times the keep alive
  }

  /** Closes after a CONNECT refusal (the CONNACK is already written). */
  refuse(reason: string, fields: Record<string, string | number> = {}): void {
    this.logger.warn('refused an MQTT connection', { reason, ...fields });
    this.finish(false);
    this.closeStream(true);
  }

  /** Closes because of bad input or a broken rule, telling a 5.0 client why; publishes the will. */
  fail(reasonCode: number, message: string, quiet = false): void {
    if (this.state === 'closed') return;
    if (!quiet) this.logger.warn('closing MQTT connection', { clientId: this.clientId, reason: reasonName(reasonCode), error: message });
    if (this.version === 5) {
      if (this.state === 'connected') this.send({ type: 'disconnect', reasonCode, properties: { reasonString: message.slice(0, 200) } });
      else if (this.state === 'awaiting-connect' || this.state === 'connecting') this.send({ type: 'connack', sessionPresent: false, reasonCode: connackCode(reasonCode) });
    } else if (reasonCode === ReasonCode.UnsupportedProtocolVersion && this.state !== 'connected') {
      // 3.1.1 §3.1.2.2: CONNACK return code 1 for a protocol level the server does not support.
      this.send({ type: 'connack', sessionPresent: false, reasonCode });
    }
    this.end(true);
  }

  /** Another connection took the session over (§3.1.4). */
  takenOver(): void {
    if (this.state === 'closed') return;
    this.logger.info('session taken over by a new connection', { clientId: this.clientId });
    if (this.version === 5) this.send({ type: 'disconnect', reasonCode: ReasonCode.SessionTakenOver });
    this.end(true);
  }

  /** Server shutdown: 5.0 clients are told (0x8B). The session stays as stored. */
  shutdown(): void {
    if (this.state === 'closed') return;
    if (this.version === 5 && this.state === 'connected') this.send({ type: 'disconnect', reasonCode: ReasonCode.ServerShuttingDown });
    this.end(false);
  }

  private end(publishWill: boolean): void {
    if (this.state === 'closed') return;
    this.finish(publishWill);
    this.closeStream(true);
  }

  private closeStream(flush: boolean): void {
    this.state = 'closed';
    if (flush) this.stream.end();
    else this.stream.destroy();
    // A client that never reads must not keep the socket open.
    setTimeout(() => this.stream.destroy(), 1000).unref();
  }

  private finish(publishWill: boolean): void {
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (wasConnected && this.session) this.services.registry.closed(this.session, this, publishWill);
    for (const fn of this.onClosed.splice(0)) fn();
  }

  /** The keep-alive (or CONNECT) deadline; re-armed lazily from the last packet's time. */
  private arm(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (ms <= 0) return;
    const check = (): void => {
      const idle = Date.now() - this.lastPacketAt;
      if (this.state === 'awaiting-connect') return this.fail(ReasonCode.MaximumConnectTime, 'no CONNECT in time');
      if (this.state === 'connected' && idle >= ms) {
        return this.fail(ReasonCode.KeepAliveTimeout, `no packet for ${idle} ms (keep alive ${ms / 1500} s)`);
      }
      if (this.state === 'closed') return;
      this.timer = setTimeout(check, Math.max(100, ms - idle));
      this.timer.unref();
    };
    this.timer = setTimeout(check, ms);
    this.timer.unref();
  }
}

/** The CONNACK reason for a failure before the connection was accepted (only some codes may appear there). */
function connackCode(code: number): number {
  switch (code) {
    case ReasonCode.MalformedPacket:
    case ReasonCode.ProtocolError:
    case ReasonCode.UnsupportedProtocolVersion:
    case ReasonCode.PacketTooLarge:
    case ReasonCode.UnspecifiedError:
      return code;
    default:
      return ReasonCode.UnspecifiedError;
  }
}

/** The topic filter of a (possibly `$share/<group>/`) subscription, or null when invalid (the router refuses it). */
function unshared(filter: string): string | null {
  try {
    return splitFilter(filter).topicFilter;
  } catch {
    return null;
  }
}
