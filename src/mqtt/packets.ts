// The MQTT control packets as values (OASIS MQTT 5.0 §3; MQTT 3.1.1 §3 is the same set minus AUTH,
// reason codes and properties). A packet decoded from a 3.1.1 connection has no properties and the
// reason codes 3.1.1 implies (0 for acknowledgements), so the server handles both versions with one
// code path and lets the encoder drop what 3.1.1 cannot carry.
import type { Properties } from './properties.js';

/** Control packet types, the high nibble of the fixed header's first byte (§2.1.2, table 2-1). */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;

/** Protocol levels (§3.1.2.2): 3 is MQTT 3.1 ("MQIsdp"), 4 is 3.1.1, 5 is 5.0. */
export type ProtocolVersion = 3 | 4 | 5;
export type QoS = 0 | 1 | 2;

export interface WillMessage {
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

export interface ConnectPacket {
  type: 'connect';
  protocolVersion: ProtocolVersion;
  /** Clean Session (3.1.1) / Clean Start (5.0). */
  cleanStart: boolean;
  /** Seconds; 0 turns the keep-alive mechanism off. */
  keepAlive: number;
  clientId: string;
  username?: string;
  password?: Buffer;
  will?: WillMessage;
  properties?: Properties;
}

export interface ConnackPacket {
  type: 'connack';
  sessionPresent: boolean;
  /** A 5.0 reason code; encoded as the nearest 3.1.1 return code for a 3.1.1 client. */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: 'publish';
  /** Empty when a 5.0 Topic Alias stands for it. */
  topic: string;
  payload: Buffer;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present when qos > 0. */
  packetId?: number;
  properties?: Properties;
}

export interface AckPacket {
  type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp';
  packetId: number;
  reasonCode: number;
  properties?: Properties;
}

export interface SubscriptionRequest {
  filter: string;
  /** Maximum QoS (§3.8.3.1). */
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  /** 0: send retained messages at subscribe; 1: only for a new subscription; 2: never. */
  retainHandling: 0 | 1 | 2;
}

export interface SubscribePacket {
  type: 'subscribe';
  packetId: number;
  subscriptions: SubscriptionRequest[];
  properties?: Properties;
}

export interface SubackPacket {
  type: 'suback';
  packetId: number;
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: 'unsubscribe';
  packetId: number;
  filters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: 'unsuback';
  packetId: number;
  /** 5.0 only (a 3.1.1 UNSUBACK carries none). */
  reasonCodes: number[];
  properties?: Properties;
}

export interface PingPacket {
  type: 'pingreq' | 'pingresp';
}

export interface DisconnectPacket {
  type: 'disconnect';
  reasonCode: number;
  properties?: Properties;
}

export interface AuthPacket {
  type: 'auth';
  reasonCode: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | AckPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingPacket
  | DisconnectPacket
  | AuthPacket;
