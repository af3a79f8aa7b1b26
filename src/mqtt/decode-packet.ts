// Decodes one MQTT control packet from its fixed header's first byte and its remaining bytes (the
// framer, packet-framer.ts, has already cut them out and checked the size). Both directions are
// decoded, so tests and the benchmark's simulated devices use the same codec as the server.
//
// What is a Malformed Packet (0x81) and what a Protocol Error (0x82) follows OASIS MQTT 5.0 §4.13 and
// the normative statements cited inline; for a 3.1.1 connection the server closes the connection
// either way (3.1.1 §4.8 has no reason codes). Bytes left over after the last field are malformed.
import { MqttError, malformed, protocolError } from './mqtt-error.js';
import type {
  AckPacket,
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  ProtocolVersion,
  PublishPacket,
  QoS,
  SubackPacket,
  SubscribePacket,
  SubscriptionRequest,
  UnsubackPacket,
  UnsubscribePacket,
  WillMessage,
} from './packets.js';
import { PacketType } from './packets.js';
import { readProperties, type Properties } from './properties.js';
import { PacketReader } from './primitives.js';
import { ReasonCode } from './reason-codes.js';

/**
 * The flags nibble each packet type must carry (§2.1.3, table 2-2): 0b0010 for PUBREL, SUBSCRIBE and
 * UNSUBSCRIBE, 0 for the others; PUBLISH's are DUP/QoS/RETAIN. Anything else is malformed [MQTT-2.1.3-1].
 */
function checkFlags(type: number, flags: number): void {
  const required = type === PacketType.PUBREL || type === PacketType.SUBSCRIBE || type === PacketType.UNSUBSCRIBE ? 2 : 0;
  if (type !== PacketType.PUBLISH && flags !== required) throw malformed(`packet type ${type} with reserved flags 0x${flags.toString(16)}`);
}

/**
 * Decodes the packet whose first byte is `first` and whose remaining bytes are `body`, on a connection
 * speaking `version` (CONNECT is decoded whatever `version` says: it is what sets it).
 */
export function decodePacket(first: number, body: Buffer, version: ProtocolVersion): Packet {
  const type = first >> 4;
  const flags = first & 0x0f;
  checkFlags(type, flags);
  const r = new PacketReader(body, 0, body.length);
  let packet: Packet;
  switch (type) {
    case PacketType.CONNECT:
      packet = decodeConnect(r);
      break;
    case PacketType.CONNACK:
      packet = decodeConnack(r, version);
      break;
    case PacketType.PUBLISH:
      return decodePublish(r, flags, version);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      packet = decodeAck(r, type, version);
      break;
    case PacketType.SUBSCRIBE:
      packet = decodeSubscribe(r, version);
      break;
    case PacketType.SUBACK:
      packet = decodeSuback(r, version);
      break;
    case PacketType.UNSUBSCRIBE:
      packet = decodeUnsubscribe(r, version);
      break;
    case PacketType.UNSUBACK:
      packet = decodeUnsuback(r, version);
      break;
    case PacketType.PINGREQ:
      packet = { type: 'pingreq' };
      break;
    case PacketType.PINGRESP:
      packet = { type: 'pingresp' };
      break;
    case PacketType.DISCONNECT:
      packet = decodeDisconnect(r, version);
      break;
    case PacketType.AUTH:
      if (version !== 5) throw malformed('AUTH exists only in MQTT 5.0');
      packet = decodeAuth(r);
      break;
    default:
      throw malformed(`reserved packet type ${type}`);
  }
  if (r.remaining > 0) throw malformed(`${r.remaining} bytes left after a ${packet.type.toUpperCase()} packet`);
  return packet;
}

function qosOf(bits: number, what: string): QoS {
  if (bits === 3) throw malformed(`${what} QoS 3`);
  return bits as QoS;
}

function packetIdOf(r: PacketReader, what: string): number {
  const id = r.u16(`${what} packet identifier`);
  if (id === 0) throw protocolError(`${what} with packet identifier 0 [MQTT-2.2.1-3]`);
  return id;
}

function decodeConnect(r: PacketReader): ConnectPacket {
  const name = r.string('protocol name');
  const level = r.u8('protocol level');
  // §3.1.2.1/§3.1.2.2: "MQTT" with level 4 or 5; MQTT 3.1 used "MQIsdp" with level 3.
  if ((name !== 'MQTT' && name !== 'MQIsdp') || (name === 'MQIsdp') !== (level === 3)) {
    throw new MqttError(ReasonCode.UnsupportedProtocolVersion, `protocol "${name}" level ${level}`);
  }
  if (level !== 3 && level !== 4 && level !== 5) throw new MqttError(ReasonCode.UnsupportedProtocolVersion, `protocol level ${level}`);
  const version = level as ProtocolVersion;
  const flags = r.u8('connect flags');
  if (flags & 0x01) throw malformed('CONNECT reserved flag set [MQTT-3.1.2-3]');
  const hasUser = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const willRetain = (flags & 0x20) !== 0;
  const willQos = (flags >> 3) & 0x03;
  const hasWill = (flags & 0x04) !== 0;
  const cleanStart = (flags & 0x02) !== 0;
  if (!hasWill && (willQos !== 0 || willRetain)) throw malformed('will QoS or retain without a will [MQTT-3.1.2-11]');
  // 3.1.1 [MQTT-3.1.2-22]: no password without a user name; 5.0 allows it.
  if (version !== 5 && hasPassword && !hasUser) throw malformed('password without a user name [MQTT-3.1.2-22]');
  const keepAlive = r.u16('keep alive');
  const properties = version === 5 ? readProperties(r, 'CONNECT') : undefined;
  const clientId = r.string('client identifier');
  let will: WillMessage | undefined;
  if (hasWill) {
    const willProperties = version === 5 ? readProperties(r, 'WILL') : undefined;
    const topic = r.string('will topic');
    const payload = r.binary('will payload');
    will = { topic, payload, qos: qosOf(willQos, 'will'), retain: willRetain, ...(willProperties && { properties: willProperties }) };
  }
  const packet: ConnectPacket = { type: 'connect', protocolVersion: version, cleanStart, keepAlive, clientId };
  if (hasUser) packet.username = r.string('user name');
  if (hasPassword) packet.password = r.binary('password');
  if (will) packet.will = will;
  if (properties) packet.properties = properties;
  return packet;
}

function decodeConnack(r: PacketReader, version: ProtocolVersion): ConnackPacket {
  const ackFlags = r.u8('connect acknowledge flags');
  if (ackFlags & 0xfe) throw malformed('CONNACK reserved flags set');
  const code = r.u8('connect reason code');
  const packet: ConnackPacket = { type: 'connack', sessionPresent: (ackFlags & 1) === 1, reasonCode: code };
  if (version === 5) packet.properties = readProperties(r, 'CONNACK');
  return packet;
}

function decodePublish(r: PacketReader, flags: number, version: ProtocolVersion): PublishPacket {
  const qos = qosOf((flags >> 1) & 0x03, 'PUBLISH');
  const dup = (flags & 0x08) !== 0;
  if (dup && qos === 0) throw protocolError('DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2]');
  const topic = r.string('topic name');
  const packet: PublishPacket = { type: 'publish', topic, payload: EMPTY, qos, retain: (flags & 0x01) !== 0, dup };
  if (qos > 0) packet.packetId = packetIdOf(r, 'PUBLISH');
  if (version === 5) packet.properties = readProperties(r, 'PUBLISH');
  packet.payload = r.rest();
  return packet;
}

const EMPTY = Buffer.alloc(0);
const ACK_NAMES = { [PacketType.PUBACK]: 'puback', [PacketType.PUBREC]: 'pubrec', [PacketType.PUBREL]: 'pubrel', [PacketType.PUBCOMP]: 'pubcomp' } as const;

function decodeAck(r: PacketReader, type: 4 | 5 | 6 | 7, version: ProtocolVersion): AckPacket {
  const name = ACK_NAMES[type];
  const packetId = packetIdOf(r, name.toUpperCase());
  const packet: AckPacket = { type: name, packetId, reasonCode: ReasonCode.Success };
  // 5.0 §3.4.2.1: the reason code may be left out when it is 0 and there are no properties
  // (remaining length 2); the property length may be left out when there are none (length 3).
  if (version === 5 && r.remaining > 0) {
    packet.reasonCode = r.u8('reason code');
    if (r.remaining > 0) packet.properties = readProperties(r, name.toUpperCase() as 'PUBACK');
  }
  return packet;
}

function decodeSubscribe(r: PacketReader, version: ProtocolVersion): SubscribePacket {
  const packetId = packetIdOf(r, 'SUBSCRIBE');
  const properties = version === 5 ? readProperties(r, 'SUBSCRIBE') : undefined;
  const subscriptions: SubscriptionRequest[] = [];
  while (r.remaining > 0) {
    const filter = r.string('topic filter');
    const options = r.u8('subscription options');
    // 3.1.1 [MQTT-3-8.3-4]: the upper six bits are reserved; 5.0 §3.8.3.1: bits 6 and 7 are.
    if (options & (version === 5 ? 0xc0 : 0xfc)) throw malformed(`reserved subscription option bits set (0x${options.toString(16)})`);
    const retainHandling = (options >> 4) & 0x03;
    if (retainHandling === 3) throw protocolError('Retain Handling 3 [MQTT-3.8.3-5]');
    subscriptions.push({
      filter,
      qos: qosOf(options & 0x03, 'subscription'),
      noLocal: (options & 0x04) !== 0,
      retainAsPublished: (options & 0x08) !== 0,
      retainHandling: retainHandling as 0 | 1 | 2,
    });
  }
  if (subscriptions.length === 0) throw protocolError('SUBSCRIBE without a topic filter [MQTT-3.8.3-2]');
  return withProperties<SubscribePacket>({ type: 'subscribe', packetId, subscriptions }, properties);
}

function decodeSuback(r: PacketReader, version: ProtocolVersion): SubackPacket {
  const packetId = r.u16('packet identifier');
  const properties = version === 5 ? readProperties(r, 'SUBACK') : undefined;
  const reasonCodes = [...r.rest()];
  return withProperties<SubackPacket>({ type: 'suback', packetId, reasonCodes }, properties);
}

function decodeUnsubscribe(r: PacketReader, version: ProtocolVersion): UnsubscribePacket {
  const packetId = packetIdOf(r, 'UNSUBSCRIBE');
  const properties = version === 5 ? readProperties(r, 'UNSUBSCRIBE') : undefined;
  const filters: string[] = [];
  while (r.remaining > 0) filters.push(r.string('topic filter'));
  if (filters.length === 0) throw protocolError('UNSUBSCRIBE without a topic filter [MQTT-3.10.3-2]');
  return withProperties<UnsubscribePacket>({ type: 'unsubscribe', packetId, filters }, properties);
}

function decodeUnsuback(r: PacketReader, version: ProtocolVersion): UnsubackPacket {
  const packetId = r.u16('packet identifier');
  if (version !== 5) return { type: 'unsuback', packetId, reasonCodes: [] };
  const properties = readProperties(r, 'UNSUBACK');
  return withProperties<UnsubackPacket>({ type: 'unsuback', packetId, reasonCodes: [...r.rest()] }, properties);
}

function decodeDisconnect(r: PacketReader, version: ProtocolVersion): DisconnectPacket {
  const packet: DisconnectPacket = { type: 'disconnect', reasonCode: ReasonCode.Success };
  // 5.0 §3.14.2.1: remaining length 0 means Normal disconnection; < 2 means no properties.
  if (version === 5 && r.remaining > 0) {
    packet.reasonCode = r.u8('reason code');
    if (r.remaining > 0) packet.properties = readProperties(r, 'DISCONNECT');
  }
  return packet;
}

function decodeAuth(r: PacketReader): AuthPacket {
  const packet: AuthPacket = { type: 'auth', reasonCode: ReasonCode.Success };
  if (r.remaining > 0) {
    packet.reasonCode = r.u8('reason code');
    packet.properties = readProperties(r, 'AUTH');
  }
  return packet;
}

function withProperties<T extends { properties?: Properties }>(packet: T, properties: Properties | undefined): T {
  if (properties) packet.properties = properties;
  return packet;
}
