// CONNECT (MQTT 5.0 §3.1, §3.2; 3.1.1 §3.1, §3.2): who the client is, what it may do, which session it
// gets, and the CONNACK that says so.
//
//   client id      empty: 5.0 gets one assigned (Assigned Client Identifier); 3.1.1 gets one only with
//                  Clean Session 1, else return code 2 ([MQTT-3.1.3-8]).
//   credentials    the authenticator (auth.ts): 0x86 Bad User Name or Password, 0x87 Not authorized.
//   5.0 extended authentication (an Authentication Method) is not offered: 0x8C.
//   will           its topic must be a valid topic name (0x90) and a payload declared UTF-8 must be (0x99);
//                  with ACLs the principal needs WRITE on the topic it maps to (0x87; 3.1.1: 5).
//   keep alive     above brook.mqtt.max.keepalive a 5.0 client is told the server's (Server Keep Alive).
//   session        Clean Start / Clean Session and the Session Expiry Interval (3.1.1: Clean Session 0
//                  never expires), capped by brook.mqtt.max.session.expiry.interval (told when capped).
// The CONNACK of an accepted 5.0 connection carries the server's limits: Receive Maximum, Maximum
// Packet Size, Topic Alias Maximum. Everything else (QoS 2, retain, wildcards, subscription
// identifiers, shared subscriptions) is available, the spec's default when a property is absent.
import { ANONYMOUS_PRINCIPAL } from './mqtt-acl.js';
import { randomBytes } from 'node:crypto';
import { ReasonCode, payloadMatchesFormat, topicNameProblem, type ConnectPacket, type Properties } from '../../mqtt/index.js';
import type { ConnectionPort } from './connection-port.js';
import type { Session } from './session.js';
import { NEVER_EXPIRES } from './session-registry.js';

/** Answers the CONNECT; the session when the connection is accepted (the caller attaches it), else null. */
export async function handleConnect(conn: ConnectionPort, p: ConnectPacket): Promise<{ session: Session; present: boolean } | null> {
  const { settings, auth, registry } = conn.services;
  const v5 = p.protocolVersion === 5;
  const refuse = (reasonCode: number, reason: string): null => {
    conn.send({ type: 'connack', sessionPresent: false, reasonCode });
    conn.refuse(reason, { clientId: p.clientId, reasonCode });
    return null;
  };
  let clientId = p.clientId;
  let assigned = false;
  if (clientId === '') {
    if (!v5 && !p.cleanStart) return refuse(ReasonCode.ClientIdentifierNotValid, 'empty client identifier with Clean Session 0');
    clientId = `brook-${randomBytes(9).toString('base64url')}`;
    assigned = true;
  }
  conn.clientId = clientId;
  const props: Properties = p.properties ?? {};
  if (props.authenticationMethod !== undefined) return refuse(ReasonCode.BadAuthenticationMethod, `authentication method "${props.authenticationMethod}" is not supported`);
  const verdict = await auth.authenticate({ clientId, username: p.username, password: p.password, remoteAddress: conn.remoteAddress });
  if (!verdict.ok) return refuse(verdict.reasonCode, verdict.reason);
  conn.principal = verdict.user === null ? ANONYMOUS_PRINCIPAL : `User:${verdict.user}`;
  if (p.will) {
    const problem = topicNameProblem(p.will.topic);
    if (problem) return refuse(ReasonCode.TopicNameInvalid, `will topic: ${problem}`);
    if (!payloadMatchesFormat(p.will.properties, p.will.payload)) return refuse(ReasonCode.PayloadFormatInvalid, 'the will payload is declared UTF-8 but is not');
    // WRITE on the will's Kafka topic (mqtt-acl.ts), as for a PUBLISH; refused as Mosquitto 1.x and
    // VerneMQ refuse it: 0x87 Not authorized (3.1.1: return code 5).
    if (!conn.services.acl.mayPublish(conn.principal, conn.remoteAddress, p.will.topic)) return refuse(ReasonCode.NotAuthorized, `not authorized to publish the will on "${p.will.topic}"`);
  }
  conn.receiveMaximum = props.receiveMaximum ?? 65535;
  conn.maxPacketSize = props.maximumPacketSize ?? Infinity;
  conn.topicAliasMaximum = props.topicAliasMaximum ?? 0;
  conn.problemInformation = props.requestProblemInformation !== 0;
  const asked = v5 ? (props.sessionExpiryInterval ?? 0) : p.cleanStart ? 0 : NEVER_EXPIRES;
  const expiry = Math.min(asked, settings.maxSessionExpiry);
  let keepAlive = p.keepAlive;
  const ack: Properties = {};
  if (v5) {
    if (keepAlive > settings.maxKeepAlive || (keepAlive === 0 && settings.maxKeepAlive < 65535)) {
      keepAlive = settings.maxKeepAlive;
      ack.serverKeepAlive = keepAlive;
    }
    if (expiry !== asked) ack.sessionExpiryInterval = expiry;
    if (assigned) ack.assignedClientIdentifier = clientId;
    ack.receiveMaximum = settings.receiveMaximum;
    ack.maximumPacketSize = settings.maxPacketSize;
    ack.topicAliasMaximum = settings.topicAliasMaximum;
  }
  const { session, present } = await registry.open({ clientId, cleanStart: p.cleanStart, expiryInterval: expiry, protocolVersion: p.protocolVersion, will: p.will ?? null, willAuthor: p.will ? { principal: conn.principal, remoteAddress: conn.remoteAddress } : null, subscriber: { principal: conn.principal, remoteAddress: conn.remoteAddress }, owner: conn });
  if (conn.isClosed) {
    // The client went away while its session was being set up: as if it had dropped after CONNACK.
    session.attach(conn, present);
    registry.closed(session, conn, true);
    return null;
  }
  conn.accepted(session, keepAlive);
  conn.send({ type: 'connack', sessionPresent: present, reasonCode: ReasonCode.Success, ...(v5 ? { properties: ack } : {}) });
  conn.logger.debug('client connected', { clientId, protocol: p.protocolVersion, cleanStart: p.cleanStart, expiry, present, user: verdict.user ?? '' });
  return { session, present };
}
