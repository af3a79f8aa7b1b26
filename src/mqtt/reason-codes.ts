// MQTT 5.0 reason codes (OASIS MQTT Version 5.0, §2.4 "Reason Code", table 2-6), with the packets each
// may appear in, and the MQTT 3.1.1 CONNACK return codes (OASIS MQTT 3.1.1, §3.2.2.3, table 3.1) they
// map to for a 3.1.1 client. The table is the spec's table as data: one row per code.
//
// Packet columns: CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, DISCONNECT, AUTH.

export const ReasonCode = {
  Success: 0x00, // also Normal disconnection, Granted QoS 0
  GrantedQoS1: 0x01,
  GrantedQoS2: 0x02,
  DisconnectWithWill: 0x04,
  NoMatchingSubscribers: 0x10,
  NoSubscriptionExisted: 0x11,
  ContinueAuthentication: 0x18,
  ReAuthenticate: 0x19,
  UnspecifiedError: 0x80,
  MalformedPacket: 0x81,
  ProtocolError: 0x82,
  ImplementationSpecificError: 0x83,
  UnsupportedProtocolVersion: 0x84,
  ClientIdentifierNotValid: 0x85,
  BadUserNameOrPassword: 0x86,
  NotAuthorized: 0x87,
  ServerUnavailable: 0x88,
  ServerBusy: 0x89,
  Banned: 0x8a,
  ServerShuttingDown: 0x8b,
  BadAuthenticationMethod: 0x8c,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  PacketIdentifierInUse: 0x91,
  PacketIdentifierNotFound: 0x92,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  MessageRateTooHigh: 0x96,
  QuotaExceeded: 0x97,
  AdministrativeAction: 0x98,
  PayloadFormatInvalid: 0x99,
  RetainNotSupported: 0x9a,
  QoSNotSupported: 0x9b,
  UseAnotherServer: 0x9c,
  ServerMoved: 0x9d,
  SharedSubscriptionsNotSupported: 0x9e,
  ConnectionRateExceeded: 0x9f,
  MaximumConnectTime: 0xa0,
  SubscriptionIdentifiersNotSupported: 0xa1,
  WildcardSubscriptionsNotSupported: 0xa2,
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** Packets a reason code may be sent in (the columns of table 2-6). */
export type ReasonPacket = 'CONNACK' | 'PUBACK' | 'PUBREC' | 'PUBREL' | 'PUBCOMP' | 'SUBACK' | 'UNSUBACK' | 'DISCONNECT' | 'AUTH';

interface ReasonRow {
  code: number;
  name: string;
  packets: readonly ReasonPacket[];
}

const ACKS: readonly ReasonPacket[] = ['PUBACK', 'PUBREC'];
const ERR_MOST: readonly ReasonPacket[] = ['CONNACK', 'PUBACK', 'PUBREC', 'SUBACK', 'UNSUBACK', 'DISCONNECT'];

/** OASIS MQTT 5.0 §2.4, table 2-6. */
const REASON_TABLE: readonly ReasonRow[] = [
  { code: 0x00, name: 'Success', packets: ['CONNACK', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBACK', 'UNSUBACK', 'DISCONNECT', 'AUTH'] },
  { code: 0x01, name: 'Granted QoS 1', packets: ['SUBACK'] },
  { code: 0x02, name: 'Granted QoS 2', packets: ['SUBACK'] },
  { code: 0x04, name: 'Disconnect with Will Message', packets: ['DISCONNECT'] },
  { code: 0x10, name: 'No matching subscribers', packets: ACKS },
  { code: 0x11, name: 'No subscription existed', packets: ['UNSUBACK'] },
  { code: 0x18, name: 'Continue authentication', packets: ['AUTH'] },
  { code: 0x19, name: 'Re-authenticate', packets: ['AUTH'] },
  { code: 0x80, name: 'Unspecified error', packets: ERR_MOST },
  { code: 0x81, name: 'Malformed Packet', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x82, name: 'Protocol Error', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x83, name: 'Implementation specific error', packets: ERR_MOST },
  { code: 0x84, name: 'Unsupported Protocol Version', packets: ['CONNACK'] },
  { code: 0x85, name: 'Client Identifier not valid', packets: ['CONNACK'] },
  { code: 0x86, name: 'Bad User Name or Password', packets: ['CONNACK'] },
  { code: 0x87, name: 'Not authorized', packets: ERR_MOST },
  { code: 0x88, name: 'Server unavailable', packets: ['CONNACK'] },
  { code: 0x89, name: 'Server busy', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x8a, name: 'Banned', packets: ['CONNACK'] },
  { code: 0x8b, name: 'Server shutting down', packets: ['DISCONNECT'] },
  { code: 0x8c, name: 'Bad authentication method', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x8d, name: 'Keep Alive timeout', packets: ['DISCONNECT'] },
  { code: 0x8e, name: 'Session taken over', packets: ['DISCONNECT'] },
  { code: 0x8f, name: 'Topic Filter invalid', packets: ['SUBACK', 'UNSUBACK', 'DISCONNECT'] },
  { code: 0x90, name: 'Topic Name invalid', packets: ['CONNACK', 'PUBACK', 'PUBREC', 'DISCONNECT'] },
  { code: 0x91, name: 'Packet Identifier in use', packets: ['PUBACK', 'PUBREC', 'SUBACK', 'UNSUBACK'] },
  { code: 0x92, name: 'Packet Identifier not found', packets: ['PUBREL', 'PUBCOMP'] },
  { code: 0x93, name: 'Receive Maximum exceeded', packets: ['DISCONNECT'] },
  { code: 0x94, name: 'Topic Alias invalid', packets: ['DISCONNECT'] },
  { code: 0x95, name: 'Packet too large', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x96, name: 'Message rate too high', packets: ['DISCONNECT'] },
  { code: 0x97, name: 'Quota exceeded', packets: ['CONNACK', 'PUBACK', 'PUBREC', 'SUBACK', 'DISCONNECT'] },
  { code: 0x98, name: 'Administrative action', packets: ['DISCONNECT'] },
  { code: 0x99, name: 'Payload format invalid', packets: ['CONNACK', 'PUBACK', 'PUBREC', 'DISCONNECT'] },
  { code: 0x9a, name: 'Retain not supported', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x9b, name: 'QoS not supported', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x9c, name: 'Use another server', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x9d, name: 'Server moved', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0x9e, name: 'Shared Subscriptions not supported', packets: ['SUBACK', 'DISCONNECT'] },
  { code: 0x9f, name: 'Connection rate exceeded', packets: ['CONNACK', 'DISCONNECT'] },
  { code: 0xa0, name: 'Maximum connect time', packets: ['DISCONNECT'] },
  { code: 0xa1, name: 'Subscription Identifiers not supported', packets: ['SUBACK', 'DISCONNECT'] },
  { code: 0xa2, name: 'Wildcard Subscriptions not supported', packets: ['SUBACK', 'DISCONNECT'] },
];

const BY_CODE = new Map<number, ReasonRow>(REASON_TABLE.map((r) => [r.code, r]));

/** The spec's name of a reason code ("Malformed Packet"), or "0x.." for one it does not define. */
export function reasonName(code: number): string {
  return BY_CODE.get(code)?.name ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/** Whether `code` may be sent in (or received in) `packet` (a receiver treats any other as a Protocol Error). */
export function reasonAllowedIn(code: number, packet: ReasonPacket): boolean {
  return BY_CODE.get(code)?.packets.includes(packet) ?? false;
}

/**
 * MQTT 3.1.1 CONNACK return codes (§3.2.2.3): 0 accepted, 1 unacceptable protocol version, 2 identifier
 * rejected, 3 server unavailable, 4 bad user name or password, 5 not authorized. A 5.0 reason code maps
 * to the nearest one (what mosquitto and HiveMQ send a 3.1.1 client for the same refusal).
 */
export function connackReturnCode311(code: number): number {
  switch (code) {
    case ReasonCode.Success:
      return 0;
    case ReasonCode.UnsupportedProtocolVersion:
      return 1;
    case ReasonCode.ClientIdentifierNotValid:
      return 2;
    case ReasonCode.BadUserNameOrPassword:
    case ReasonCode.BadAuthenticationMethod:
      return 4;
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
      return 5;
    default:
      return 3;
  }
}
