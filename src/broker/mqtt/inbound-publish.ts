// PUBLISH from a client (MQTT 5.0 §3.3, §4.3): checked, resolved through topic aliases, stored
// (publisher.ts), acknowledged.
//
//   QoS 0  stored; nothing answered.
//   QoS 1  PUBACK once the record is fdatasynced (a retained one once the retained store is too).
//   QoS 2  PUBREC once fdatasynced; the packet identifier is remembered until PUBREL (answered with
//          PUBCOMP), and a PUBLISH repeating it meanwhile -- the client sending it again after a
//          reconnect -- is answered PUBREC without being stored twice (§4.3.3 "Method B"). The set
//          lives in the session, so it survives reconnects.
// Acknowledgements go out in the order the PUBLISHes came in (§4.6), whatever order the appends of
// different partitions finish in. A 5.0 client gets a failed store as a reason code >= 0x80 in its
// PUBACK/PUBREC; a 3.1.1 client, which cannot be told, is disconnected (it publishes again on
// reconnect).
//
// Rules that close the connection: a wildcard or empty topic name (0x90 Topic Name invalid), a topic
// alias above the server's Topic Alias Maximum or 0 (0x94), an unknown alias with no topic (0x82), a
// Subscription Identifier (0x82, [MQTT-3.3.4-6]), more unacknowledged QoS 1/2 publishes than the
// server's Receive Maximum (0x93), a QoS 0 payload declared UTF-8 that is not (0x99).
import { MqttError, ReasonCode, payloadMatchesFormat, topicNameProblem, type AckPacket, type PublishPacket } from '../../mqtt/index.js';
import { forwardedProperties, type MqttMessage } from './message-record.js';
import type { ConnectionPort } from './connection-port.js';
import type { Session } from './session.js';

/** Reading pauses above this many publishes waiting for the log, and resumes below half. */
const MAX_PENDING = 1000;

interface AckSlot {
  packet: AckPacket | null;
}

export class InboundPublishes {
  private readonly aliases = new Map<number, string>();
  private readonly acks: AckSlot[] = [];
  private ackHead = 0;
  private pending = 0;
  /** QoS 1 publishes not yet PUBACKed, and QoS 2 ones of this connection not yet PUBCOMPed. */
  private unacked = 0;
  private readonly countedQos2 = new Set<number>();

  constructor(private readonly conn: ConnectionPort) {}

  receive(p: PublishPacket, session: Session): void {
    const conn = this.conn;
    const settings = conn.services.settings;
    const v5 = conn.version === 5;
    let topic = p.topic;
    const alias = p.properties?.topicAlias;
    if (alias !== undefined) {
      if (alias > settings.topicAliasMaximum) throw new MqttError(ReasonCode.TopicAliasInvalid, `topic alias ${alias} exceeds the Topic Alias Maximum ${settings.topicAliasMaximum}`);
      if (topic === '') {
        const known = this.aliases.get(alias);
        if (known === undefined) throw new MqttError(ReasonCode.ProtocolError, `topic alias ${alias} was never set`);
        topic = known;
      } else {
        this.aliases.set(alias, topic);
      }
    }
    const problem = topicNameProblem(topic);
    if (problem) throw new MqttError(ReasonCode.TopicNameInvalid, problem);
    if (p.properties?.subscriptionIdentifiers) throw new MqttError(ReasonCode.ProtocolError, 'a PUBLISH from a client carries a Subscription Identifier [MQTT-3.3.4-6]');
    const formatOk = payloadMatchesFormat(p.properties, p.payload);
    // ACLs (mqtt-acl.ts): a refused QoS 0 message is dropped; QoS 1/2 is refused with 0x87 on 5.0 and,
    // as Mosquitto does, acknowledged and dropped on 3.1.1 (which has no way to say no).
    if (!conn.services.acl.mayPublish(conn.principal, conn.remoteAddress, topic)) {
      if (p.qos === 0) return;
      const refusedType = p.qos === 1 ? 'puback' : 'pubrec';
      this.answer({ type: refusedType, packetId: p.packetId!, reasonCode: v5 ? ReasonCode.NotAuthorized : ReasonCode.Success });
      return;
    }
    if (p.qos === 0) {
      if (!formatOk) throw new MqttError(ReasonCode.PayloadFormatInvalid, 'the payload is declared UTF-8 but is not');
      this.store(this.message(topic, p, session), false, null);
      return;
    }
    const packetId = p.packetId!;
    const type = p.qos === 1 ? 'puback' : 'pubrec';
    if (p.qos === 2 && session.incomingQos2.has(packetId)) {
      // Received before (and stored, or being stored): answer without storing it again.
      this.answer({ type, packetId, reasonCode: ReasonCode.Success });
      return;
    }
    if (this.unacked >= settings.receiveMaximum && v5) throw new MqttError(ReasonCode.ReceiveMaximumExceeded, `more than ${settings.receiveMaximum} unacknowledged QoS 1/2 publishes`);
    if (!formatOk) {
      this.answer({ type, packetId, reasonCode: ReasonCode.PayloadFormatInvalid, properties: { reasonString: 'the payload is declared UTF-8 but is not' } });
      return;
    }
    this.unacked++;
    if (p.qos === 2) {
      session.incomingQos2.add(packetId);
      this.countedQos2.add(packetId);
    }
    const slot = this.reserve();
    this.store(this.message(topic, p, session), true, (reasonCode, reasonString) => {
      const failed = reasonCode >= 0x80;
      if (p.qos === 1 || failed) this.settle(packetId, p.qos === 2);
      if (failed && p.qos === 2) session.incomingQos2.delete(packetId);
      if (failed && !v5) {
        conn.fail(reasonCode, reasonString ?? 'the message could not be stored');
        return;
      }
      slot.packet = { type, packetId, reasonCode, ...(reasonString && failed ? { properties: { reasonString } } : {}) };
      this.flushAcks();
    });
  }

  /** PUBREL (§4.3.3): the QoS 2 flow ends with PUBCOMP; 0x92 when the identifier is unknown. */
  release(packetId: number, session: Session): void {
    const known = session.incomingQos2.delete(packetId);
    this.settle(packetId, true);
    this.answer({ type: 'pubcomp', packetId, reasonCode: known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound });
  }

  private settle(packetId: number, qos2: boolean): void {
    if (!qos2) this.unacked--;
    else if (this.countedQos2.delete(packetId)) this.unacked--;
  }

  private message(topic: string, p: PublishPacket, session: Session): MqttMessage {
    const now = Date.now();
    const interval = p.properties?.messageExpiryInterval;
    return {
      topic,
      // A copy, so the socket's chunk is not held by messages that wait in queues.
      payload: Buffer.from(p.payload),
      qos: p.qos,
      retain: p.retain,
      properties: forwardedProperties(p.properties),
      expiresAt: interval === undefined ? Infinity : now + interval * 1000,
      publisherId: session.clientId,
      timestamp: now,
    };
  }

  private store(m: MqttMessage, durable: boolean, done: ((reasonCode: number, reasonString?: string) => void) | null): void {
    this.pending++;
    if (this.pending >= MAX_PENDING) this.conn.setReading(false);
    this.conn.services.publisher.publish(m, durable).then(
      (outcome) => {
        this.pending--;
        if (this.pending < MAX_PENDING / 2) this.conn.setReading(true);
        if (done) done(outcome.reasonCode, outcome.reasonString);
        else if (outcome.reasonCode >= 0x80) this.conn.logger.debug('a QoS 0 publish was not stored', { topic: m.topic, reason: outcome.reasonString ?? '' });
      },
      (e: unknown) => this.conn.logger.error('publish failed', { error: String(e) }),
    );
  }

  private reserve(): AckSlot {
    const slot: AckSlot = { packet: null };
    this.acks.push(slot);
    return slot;
  }

  /** An acknowledgement that needs no storing: in order behind those still waiting. */
  private answer(packet: AckPacket): void {
    this.reserve().packet = packet;
    this.flushAcks();
  }

  private flushAcks(): void {
    while (this.ackHead < this.acks.length && this.acks[this.ackHead]!.packet !== null) {
      this.conn.sendAck(this.acks[this.ackHead]!.packet!);
      this.ackHead++;
    }
    if (this.ackHead === this.acks.length) {
      this.acks.length = 0;
      this.ackHead = 0;
    }
  }
}
