// What CONNECT handling (connect.ts) and inbound PUBLISH handling (inbound-publish.ts) need from
// their connection. MqttConnection implements it; the two helpers depend on this interface rather
// than on the connection module, which imports them.
import type { MqttAcl } from './mqtt-acl.js';
import type { AckPacket, Packet, ProtocolVersion } from '../../mqtt/index.js';
import type { Logger } from '../../util/logger.js';
import type { MqttAuthenticator } from './auth.js';
import type { MqttSettings } from './mqtt-config.js';
import type { Publisher } from './publisher.js';
import type { Router } from './router.js';
import type { Session } from './session.js';
import type { SessionOwner, SessionRegistry } from './session-registry.js';

export interface ConnectionServices {
  settings: MqttSettings;
  registry: SessionRegistry;
  router: Router;
  publisher: Publisher;
  auth: MqttAuthenticator;
  /** Publish/subscribe against the broker's ACLs (mqtt-acl.ts). */
  acl: MqttAcl;
  logger: Logger;
}

/** A connection is also its session's owner (session-registry.ts), which CONNECT hands over. */
export interface ConnectionPort extends SessionOwner {
  readonly version: ProtocolVersion;
  clientId: string;
  /** The client's Receive Maximum (§3.1.2.11.3). */
  receiveMaximum: number;
  /** The client's Maximum Packet Size (§3.1.2.11.4). */
  maxPacketSize: number;
  /** The client's Topic Alias Maximum (§3.1.2.11.5). */
  topicAliasMaximum: number;
  /** Request Problem Information (§3.1.2.11.7). */
  problemInformation: boolean;
  readonly logger: Logger;
  readonly remoteAddress: string;
  /** The ACL principal: User:<CONNECT's user name>, or User:ANONYMOUS (set by CONNECT). */
  principal: string;
  readonly services: ConnectionServices;
  readonly isClosed: boolean;
  send(packet: Packet): void;
  sendAck(packet: AckPacket): void;
  setReading(on: boolean): void;
  accepted(session: Session, keepAliveSeconds: number): void;
  refuse(reason: string, fields?: Record<string, string | number>): void;
  fail(reasonCode: number, message: string, quiet?: boolean): void;
}
