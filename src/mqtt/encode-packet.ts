// Encodes MQTT control packets: fixed header (§2.1: type and flags, remaining length as a variable
// byte integer), then the variable header and payload of each type (§3). Every packet is sized first
// and written into one buffer of exactly that size.
//
// For a 3.1.1 (or 3.1) connection the 5.0-only parts are left out: properties, acknowledgement and
// DISCONNECT reason codes, UNSUBACK reason codes; a CONNACK's reason code becomes the nearest 3.1.1
// return code (reason-codes.ts) and a SUBACK's failure codes become 0x80 (3.1.1 §3.9.3).
import type { ConnectPacket, Packet, ProtocolVersion, PublishPacket } from './packets.js';
import { PacketType } from './packets.js';
import { propertiesSize, writeProperties, type Properties } from './properties.js';
import { MAX_VARIABLE_BYTE_INTEGER, stringSize, variableByteIntegerSize, writeBinary, writeString, writeVariableByteInteger } from './primitives.js';
import { ReasonCode, connackReturnCode311 } from './reason-codes.js';

/** The encoded packet; throws RangeError when it would exceed the largest remaining length. */
export function encodePacket(packet: Packet, version: ProtocolVersion): Buffer {
  switch (packet.type) {
    case 'connect':
      return encodeConnect(packet);
    case 'connack': {
      const v5 = version === 5;
      const code = v5 ? packet.reasonCode : connackReturnCode311(packet.reasonCode);
      return frame(PacketType.CONNACK << 4, 2 + (v5 ? propertiesSize(packet.properties) : 0), (b, p) => {
        b[p++] = packet.sessionPresent ? 1 : 0;
        b[p++] = code;
        return v5 ? writeProperties(b, p, packet.properties) : p;
      });
    }
    case 'publish':
      return encodePublish(packet, version);
    case 'puback':
    case 'pubrec':
    case 'pubrel':
    case 'pubcomp': {
      const type = { puback: PacketType.PUBACK, pubrec: PacketType.PUBREC, pubrel: PacketType.PUBREL, pubcomp: PacketType.PUBCOMP }[packet.type];
      const first = (type << 4) | (type === PacketType.PUBREL ? 2 : 0);
      // 5.0 §3.4.2.1: reason code and properties may be left out when Success with none.
      const full = version === 5 && (packet.reasonCode !== ReasonCode.Success || hasAny(packet.properties));
      return frame(first, 2 + (full ? 1 + propertiesSize(packet.properties) : 0), (b, p) => {
        b.writeUInt16BE(packet.packetId, p);
        p += 2;
        if (!full) return p;
        b[p++] = packet.reasonCode;
        return writeProperties(b, p, packet.properties);
      });
    }
    case 'subscribe': {
      const v5 = version === 5;
      let size = 2 + (v5 ? propertiesSize(packet.properties) : 0);
      for (const s of packet.subscriptions) size += stringSize(s.filter) + 1;
      return frame((PacketType.SUBSCRIBE << 4) | 2, size, (b, p) => {
        b.writeUInt16BE(packet.packetId, p);
        p += 2;
        if (v5) p = writeProperties(b, p, packet.properties);
        for (const s of packet.subscriptions) {
          p = writeString(b, p, s.filter);
          b[p++] = s.qos | (v5 ? (s.noLocal ? 4 : 0) | (s.retainAsPublished ? 8 : 0) | (s.retainHandling << 4) : 0);
        }
        return p;
      });
    }
    case 'suback': {
      const v5 = version === 5;
      return frame(PacketType.SUBACK << 4, 2 + (v5 ? propertiesSize(packet.properties) : 0) + packet.reasonCodes.length, (b, p) => {
        b.writeUInt16BE(packet.packetId, p);
        p += 2;
        if (v5) p = writeProperties(b, p, packet.properties);
        for (const c of packet.reasonCodes) b[p++] = v5 || c <= 2 ? c : 0x80;
        return p;
      });
    }
    case 'unsubscribe': {
      const v5 = version === 5;
      let size = 2 + (v5 ? propertiesSize(packet.properties) : 0);
      for (const f of packet.filters) size += stringSize(f);
      return frame((PacketType.UNSUBSCRIBE << 4) | 2, size, (b, p) => {
        b.writeUInt16BE(packet.packetId, p);
        p += 2;
        if (v5) p = writeProperties(b, p, packet.properties);
        for (const f of packet.filters) p = writeString(b, p, f);
        return p;
      });
    }
    case 'unsuback': {
      const v5 = version === 5;
      return frame(PacketType.UNSUBACK << 4, 2 + (v5 ? propertiesSize(packet.properties) + packet.reasonCodes.length : 0), (b, p) => {
        b.writeUInt16BE(packet.packetId, p);
        p += 2;
        if (!v5) return p;
        p = writeProperties(b, p, packet.properties);
        for (const c of packet.reasonCodes) b[p++] = c;
        return p;
      });
    }
    case 'pingreq':
      return Buffer.from([PacketType.PINGREQ << 4, 0]);
    case 'pingresp':
      return Buffer.from([PacketType.PINGRESP << 4, 0]);
    case 'disconnect': {
      // 3.1.1 has an empty DISCONNECT; 5.0 §3.14.2.1 may leave out a Normal disconnection's code.
      const full = version === 5 && (packet.reasonCode !== ReasonCode.Success || hasAny(packet.properties));
      return frame(PacketType.DISCONNECT << 4, full ? 1 + propertiesSize(packet.properties) : 0, (b, p) => {
        if (!full) return p;
        b[p++] = packet.reasonCode;
        return writeProperties(b, p, packet.properties);
      });
    }
    case 'auth':
      return frame(PacketType.AUTH << 4, 1 + propertiesSize(packet.properties), (b, p) => {
        b[p++] = packet.reasonCode;
        return writeProperties(b, p, packet.properties);
      });
  }
}

function hasAny(props: Properties | undefined): boolean {
  if (!props) return false;
  for (const v of Object.values(props)) if (v !== undefined) return true;
  return false;
}

/** Fixed header plus a body of exactly `size` bytes written by `write`. */
function frame(first: number, size: number, write: (buf: Buffer, pos: number) => number): Buffer {
  if (size > MAX_VARIABLE_BYTE_INTEGER) throw new RangeError(`packet body of ${size} bytes exceeds the MQTT maximum`);
  const header = 1 + variableByteIntegerSize(size);
  const buf = Buffer.allocUnsafe(header + size);
  buf[0] = first;
  writeVariableByteInteger(buf, 1, size);
  const end = write(buf, header);
  if (end !== buf.length) throw new Error(`internal: encoded ${end} of ${buf.length} bytes`);
  return buf;
}

/** PUBLISH's size without encoding it (the server checks it against the client's Maximum Packet Size). */
export function publishPacketSize(packet: PublishPacket, version: ProtocolVersion): number {
  const body = publishBodySize(packet, version);
  return 1 + variableByteIntegerSize(body) + body;
}

function publishBodySize(packet: PublishPacket, version: ProtocolVersion): number {
  return stringSize(packet.topic) + (packet.qos > 0 ? 2 : 0) + (version === 5 ? propertiesSize(packet.properties) : 0) + packet.payload.length;
}

function encodePublish(packet: PublishPacket, version: ProtocolVersion): Buffer {
  const first = (PacketType.PUBLISH << 4) | (packet.dup ? 8 : 0) | (packet.qos << 1) | (packet.retain ? 1 : 0);
  return frame(first, publishBodySize(packet, version), (b, p) => {
    p = writeString(b, p, packet.topic);
    if (packet.qos > 0) {
      b.writeUInt16BE(packet.packetId ?? 0, p);
      p += 2;
    }
    if (version === 5) p = writeProperties(b, p, packet.properties);
    b.set(packet.payload, p);
    return p + packet.payload.length;
  });
}

function encodeConnect(packet: ConnectPacket): Buffer {
  const v = packet.protocolVersion;
  const v5 = v === 5;
  const name = v === 3 ? 'MQIsdp' : 'MQTT';
  let size = stringSize(name) + 1 + 1 + 2 + (v5 ? propertiesSize(packet.properties) : 0) + stringSize(packet.clientId);
  if (packet.will) size += (v5 ? propertiesSize(packet.will.properties) : 0) + stringSize(packet.will.topic) + 2 + packet.will.payload.length;
  if (packet.username !== undefined) size += stringSize(packet.username);
  if (packet.password !== undefined) size += 2 + packet.password.length;
  let flags = packet.cleanStart ? 0x02 : 0;
  if (packet.will) flags |= 0x04 | (packet.will.qos << 3) | (packet.will.retain ? 0x20 : 0);
  if (packet.password !== undefined) flags |= 0x40;
  if (packet.username !== undefined) flags |= 0x80;
  return frame(PacketType.CONNECT << 4, size, (b, p) => {
    p = writeString(b, p, name);
    b[p++] = v;
    b[p++] = flags;
    b.writeUInt16BE(packet.keepAlive, p);
    p += 2;
    if (v5) p = writeProperties(b, p, packet.properties);
    p = writeString(b, p, packet.clientId);
    if (packet.will) {
      if (v5) p = writeProperties(b, p, packet.will.properties);
      p = writeString(b, p, packet.will.topic);
      p = writeBinary(b, p, packet.will.payload);
    }
    if (packet.username !== undefined) p = writeString(b, p, packet.username);
    if (packet.password !== undefined) p = writeBinary(b, p, packet.password);
    return p;
  });
}
