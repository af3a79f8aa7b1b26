// MQTT 5.0 properties (OASIS MQTT 5.0 §2.2.2: a variable byte integer length, then identifier/value
// pairs). The spec's table 2-4 (§2.2.2.2) is PROPERTY_TABLE below, one row per identifier: its name
// here, its data type and the packets it may appear in ('WILL' is the will properties of CONNECT).
//
// Decoding rules (§2.2.2.2): an identifier the packet may not carry, or an unknown one, is a Malformed
// Packet; "It is a Protocol Error to include [a property] more than once" except User Property and
// (server to client) Subscription Identifier; a value outside its domain (a 0/1 byte that is 2, a
// Receive Maximum or Maximum Packet Size of 0, a Topic Alias or Subscription Identifier of 0) is a
// Protocol Error.
import { isUtf8 } from 'node:buffer';
import { malformed, protocolError } from './mqtt-error.js';
import { PacketReader, stringSize, variableByteIntegerSize, writeBinary, writeString, writeVariableByteInteger } from './primitives.js';

export interface Properties {
  payloadFormatIndicator?: number;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Buffer;
  /** PUBLISH may carry several (one per matching subscription, §3.3.2.3.8); SUBSCRIBE at most one. */
  subscriptionIdentifiers?: number[];
  sessionExpiryInterval?: number;
  assignedClientIdentifier?: string;
  serverKeepAlive?: number;
  authenticationMethod?: string;
  authenticationData?: Buffer;
  requestProblemInformation?: number;
  willDelayInterval?: number;
  requestResponseInformation?: number;
  responseInformation?: string;
  serverReference?: string;
  reasonString?: string;
  receiveMaximum?: number;
  topicAliasMaximum?: number;
  topicAlias?: number;
  maximumQoS?: number;
  retainAvailable?: number;
  userProperties?: [string, string][];
  maximumPacketSize?: number;
  wildcardSubscriptionAvailable?: number;
  subscriptionIdentifierAvailable?: number;
  sharedSubscriptionAvailable?: number;
}

export type PropertyPacket =
  | 'CONNECT'
  | 'CONNACK'
  | 'PUBLISH'
  | 'WILL'
  | 'PUBACK'
  | 'PUBREC'
  | 'PUBREL'
  | 'PUBCOMP'
  | 'SUBSCRIBE'
  | 'SUBACK'
  | 'UNSUBSCRIBE'
  | 'UNSUBACK'
  | 'DISCONNECT'
  | 'AUTH';

type PropertyType = 'byte' | 'bool' | 'u16' | 'u32' | 'vbi' | 'string' | 'binary' | 'pair';

interface PropertyRow {
  id: number;
  key: keyof Properties;
  type: PropertyType;
  packets: readonly PropertyPacket[];
  /** Zero is a Protocol Error for this property. */
  nonZero?: boolean;
}

const ACKS_AND_MORE: readonly PropertyPacket[] = ['CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBACK', 'UNSUBACK', 'DISCONNECT', 'AUTH'];
const EVERY: readonly PropertyPacket[] = ['CONNECT', 'CONNACK', 'PUBLISH', 'WILL', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'DISCONNECT', 'AUTH'];

/** OASIS MQTT 5.0 §2.2.2.2, table 2-4 ('bool' is a Byte whose only values are 0 and 1). */
export const PROPERTY_TABLE: readonly PropertyRow[] = [
  { id: 0x01, key: 'payloadFormatIndicator', type: 'bool', packets: ['PUBLISH', 'WILL'] },
  { id: 0x02, key: 'messageExpiryInterval', type: 'u32', packets: ['PUBLISH', 'WILL'] },
  { id: 0x03, key: 'contentType', type: 'string', packets: ['PUBLISH', 'WILL'] },
  { id: 0x08, key: 'responseTopic', type: 'string', packets: ['PUBLISH', 'WILL'] },
  { id: 0x09, key: 'correlationData', type: 'binary', packets: ['PUBLISH', 'WILL'] },
  { id: 0x0b, key: 'subscriptionIdentifiers', type: 'vbi', packets: ['PUBLISH', 'SUBSCRIBE'], nonZero: true },
  { id: 0x11, key: 'sessionExpiryInterval', type: 'u32', packets: ['CONNECT', 'CONNACK', 'DISCONNECT'] },
  { id: 0x12, key: 'assignedClientIdentifier', type: 'string', packets: ['CONNACK'] },
  { id: 0x13, key: 'serverKeepAlive', type: 'u16', packets: ['CONNACK'] },
  { id: 0x15, key: 'authenticationMethod', type: 'string', packets: ['CONNECT', 'CONNACK', 'AUTH'] },
  { id: 0x16, key: 'authenticationData', type: 'binary', packets: ['CONNECT', 'CONNACK', 'AUTH'] },
  { id: 0x17, key: 'requestProblemInformation', type: 'bool', packets: ['CONNECT'] },
  { id: 0x18, key: 'willDelayInterval', type: 'u32', packets: ['WILL'] },
  { id: 0x19, key: 'requestResponseInformation', type: 'bool', packets: ['CONNECT'] },
  { id: 0x1a, key: 'responseInformation', type: 'string', packets: ['CONNACK'] },
  { id: 0x1c, key: 'serverReference', type: 'string', packets: ['CONNACK', 'DISCONNECT'] },
  { id: 0x1f, key: 'reasonString', type: 'string', packets: ACKS_AND_MORE },
  { id: 0x21, key: 'receiveMaximum', type: 'u16', packets: ['CONNECT', 'CONNACK'], nonZero: true },
  { id: 0x22, key: 'topicAliasMaximum', type: 'u16', packets: ['CONNECT', 'CONNACK'] },
  { id: 0x23, key: 'topicAlias', type: 'u16', packets: ['PUBLISH'], nonZero: true },
  { id: 0x24, key: 'maximumQoS', type: 'bool', packets: ['CONNACK'] },
  { id: 0x25, key: 'retainAvailable', type: 'bool', packets: ['CONNACK'] },
  { id: 0x26, key: 'userProperties', type: 'pair', packets: EVERY },
  { id: 0x27, key: 'maximumPacketSize', type: 'u32', packets: ['CONNECT', 'CONNACK'], nonZero: true },
  { id: 0x28, key: 'wildcardSubscriptionAvailable', type: 'bool', packets: ['CONNACK'] },
  { id: 0x29, key: 'subscriptionIdentifierAvailable', type: 'bool', packets: ['CONNACK'] },
  { id: 0x2a, key: 'sharedSubscriptionAvailable', type: 'bool', packets: ['CONNACK'] },
];

const BY_ID: (PropertyRow | undefined)[] = [];
for (const row of PROPERTY_TABLE) BY_ID[row.id] = row;

type Mutable = Record<string, unknown>;

/**
 * Reads a property block (length, then properties) for `packet`. The block must lie inside the
 * reader's bounds; every value is a view of the packet or a primitive.
 */
export function readProperties(r: PacketReader, packet: PropertyPacket): Properties {
  const length = r.vbi('property length');
  if (length > r.remaining) throw malformed(`property length ${length} exceeds the ${r.remaining} bytes left`);
  const end = r.pos + length;
  const inner = new PacketReader(r.buf, r.pos, end);
  r.pos = end;
  const props: Mutable = {};
  while (inner.remaining > 0) {
    const id = inner.vbi('property identifier');
    const row = BY_ID[id];
    if (!row) throw malformed(`unknown property identifier 0x${id.toString(16)} in ${packet}`);
    if (!row.packets.includes(packet)) throw malformed(`property ${row.key} (0x${id.toString(16)}) is not allowed in ${packet}`);
    const value = readValue(inner, row);
    if (row.type === 'pair') {
      ((props.userProperties ??= []) as [string, string][]).push(value as [string, string]);
    } else if (row.key === 'subscriptionIdentifiers') {
      const list = (props.subscriptionIdentifiers ??= []) as number[];
      if (packet === 'SUBSCRIBE' && list.length > 0) throw protocolError('SUBSCRIBE carries more than one Subscription Identifier');
      list.push(value as number);
    } else {
      if (props[row.key] !== undefined) throw protocolError(`property ${row.key} appears more than once`);
      props[row.key] = value;
    }
  }
  return props as Properties;
}

function readValue(r: PacketReader, row: PropertyRow): unknown {
  let n: number;
  switch (row.type) {
    case 'bool':
      n = r.u8(row.key);
      if (n > 1) throw protocolError(`${row.key} must be 0 or 1, not ${n}`);
      return n;
    case 'byte':
      return r.u8(row.key);
    case 'u16':
      n = r.u16(row.key);
      break;
    case 'u32':
      n = r.u32(row.key);
      break;
    case 'vbi':
      n = r.vbi(row.key);
      break;
    case 'string':
      return r.string(row.key);
    case 'binary':
      return r.binary(row.key);
    case 'pair':
      return [r.string('user property name'), r.string('user property value')];
  }
  if (row.nonZero && n === 0) throw protocolError(`${row.key} of 0 is not allowed`);
  return n;
}

/** Bytes the property block takes, its length prefix included. */
export function propertiesSize(props: Properties | undefined): number {
  const n = propertiesBodySize(props);
  return variableByteIntegerSize(n) + n;
}

function propertiesBodySize(props: Properties | undefined): number {
  if (!props) return 0;
  let n = 0;
  for (const row of PROPERTY_TABLE) {
    const v = (props as Mutable)[row.key];
    if (v === undefined) continue;
    if (row.type === 'pair') for (const [k, val] of v as [string, string][]) n += 1 + stringSize(k) + stringSize(val);
    else if (row.key === 'subscriptionIdentifiers') for (const id of v as number[]) n += 1 + variableByteIntegerSize(id);
    else n += 1 + valueSize(row.type, v);
  }
  return n;
}

function valueSize(type: PropertyType, v: unknown): number {
  switch (type) {
    case 'bool':
    case 'byte':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
      return 4;
    case 'vbi':
      return variableByteIntegerSize(v as number);
    case 'string':
      return stringSize(v as string);
    case 'binary':
      return 2 + (v as Buffer).length;
    case 'pair':
      return 0;
  }
}

/** Writes the property block (length prefix included) at `pos`; returns the position after it. */
export function writeProperties(buf: Buffer, pos: number, props: Properties | undefined): number {
  pos = writeVariableByteInteger(buf, pos, propertiesBodySize(props));
  if (!props) return pos;
  for (const row of PROPERTY_TABLE) {
    const v = (props as Mutable)[row.key];
    if (v === undefined) continue;
    if (row.type === 'pair') {
      for (const [k, val] of v as [string, string][]) {
        buf[pos++] = row.id;
        pos = writeString(buf, pos, k);
        pos = writeString(buf, pos, val);
      }
    } else if (row.key === 'subscriptionIdentifiers') {
      for (const id of v as number[]) {
        buf[pos++] = row.id;
        pos = writeVariableByteInteger(buf, pos, id);
      }
    } else {
      buf[pos++] = row.id;
      pos = writeValue(buf, pos, row.type, v);
    }
  }
  return pos;
}

function writeValue(buf: Buffer, pos: number, type: PropertyType, v: unknown): number {
  switch (type) {
    case 'bool':
    case 'byte':
      buf[pos] = v as number;
      return pos + 1;
    case 'u16':
      buf.writeUInt16BE(v as number, pos);
      return pos + 2;
    case 'u32':
      buf.writeUInt32BE(v as number, pos);
      return pos + 4;
    case 'vbi':
      return writeVariableByteInteger(buf, pos, v as number);
    case 'string':
      return writeString(buf, pos, v as string);
    case 'binary':
      return writeBinary(buf, pos, v as Buffer);
    case 'pair':
      return pos;
  }
}

/** Whether a payload declared UTF-8 (Payload Format Indicator 1, §3.3.2.3.2) is valid UTF-8. */
export function payloadMatchesFormat(props: Properties | undefined, payload: Buffer): boolean {
  return props?.payloadFormatIndicator !== 1 || isUtf8(payload);
}
