// How the gateway `brook start` embeds reaches its own broker. It is a Kafka client like any other
// (the layer rule), so on a secured listener it needs what any client needs:
//
//   listener  brook.gateway.listener (a listener name), else the first of `listeners`;
//   SASL      brook.gateway.sasl.mechanism + sasl.username/sasl.password or sasl.jaas.config; none given:
//             an internal user of this process (BrokerSecurity.internalUser: random name and password,
//             held in memory only, a super user when ACLs are on), so a SASL-only broker serves HTTP as
//             it starts. The HTTP routes check each HTTP user's own rights before the gateway acts.
//   TLS       brook.gateway.ssl.* (ssl.ca.location, ssl.truststore.*, ssl.keystore.*, ...); no CA given:
//             the listener's own truststore and certificate chain are trusted, which verifies when the
//             chain carries its CA or the truststore holds it. A listener that requires client
//             certificates needs brook.gateway.ssl.keystore.* (or certificate/key locations).
//
// The settings are the client names of client/security-properties.ts behind the `brook.gateway.` prefix
// (as --set, BROOK_BROOK_GATEWAY_* or --config give any key); security.protocol is the listener's.
import type { Broker } from '../../broker/broker.js';
import { listenerSetting, buildListenerTls } from '../../broker/security/tls-options.js';
import type { ClientSecurity } from '../../client/index.js';

const PREFIX = 'brook.gateway.';
/** The client settings it reads (security-definitions.ts documents each), each a client key behind PREFIX. */
const CLIENT_KEYS = [
  'brook.gateway.sasl.mechanism',
  'brook.gateway.sasl.username',
  'brook.gateway.sasl.password',
  'brook.gateway.sasl.jaas.config',
  'brook.gateway.ssl.ca.location',
  'brook.gateway.ssl.truststore.location',
  'brook.gateway.ssl.truststore.certificates',
  'brook.gateway.ssl.keystore.location',
  'brook.gateway.ssl.keystore.key',
  'brook.gateway.ssl.keystore.certificate.chain',
  'brook.gateway.ssl.certificate.location',
  'brook.gateway.ssl.key.location',
  'brook.gateway.ssl.key.password',
  'brook.gateway.ssl.endpoint.identification.algorithm',
] as const;

export interface EmbeddedGatewayClient {
  brokers: string[];
  security: ClientSecurity;
  /** The listener it connects through, and as whom when that is an internal user (for the log). */
  listener: string;
  internalUser: string | null;
}

/** Throws one sentence when the settings cannot work (unknown listener, no mechanism, no client certificate). */
export async function embeddedGatewayClient(broker: Broker, config: Readonly<Record<string, string>>): Promise<EmbeddedGatewayClient> {
  const listeners = broker.listeners();
  const wanted = config['brook.gateway.listener']?.trim().toUpperCase();
  const listener = wanted ? listeners.find((l) => l.name === wanted) : listeners[0];
  if (!listener) throw new Error(`${PREFIX}listener=${wanted ?? ''} names no listener; the listeners are ${listeners.map((l) => l.name).join(', ')}.`);
  const props: Record<string, string> = {};
  for (const key of CLIENT_KEYS) {
    const value = config[key];
    if (value !== undefined) props[key.slice(PREFIX.length)] = value;
  }
  props['security.protocol'] = listener.protocol;
  let internalUser: string | null = null;
  if (listener.protocol.startsWith('SASL_') && !['sasl.mechanism', 'sasl.username', 'sasl.jaas.config'].some((k) => props[k] !== undefined)) {
    const user = await broker.state.security.internalUser('gateway');
    if (user === null) throw new Error(`listener ${listener.name} offers no password mechanism (sasl.enabled.mechanisms); the gateway needs PLAIN or SCRAM there, or brook.gateway.listener naming another listener.`);
    Object.assign(props, { 'sasl.mechanism': user.mechanism, 'sasl.username': user.username, 'sasl.password': user.password });
    internalUser = user.username;
  }
  if (listener.protocol.endsWith('SSL')) {
    const trustGiven = ['ssl.ca.location', 'ssl.truststore.location', 'ssl.truststore.certificates'].some((k) => props[k] !== undefined);
    const tls = buildListenerTls(broker.state.config, listener.name);
    if (!trustGiven) {
      const own = [...((tls.options.ca as string[] | undefined) ?? []), ...(typeof tls.options.cert === 'string' ? [tls.options.cert] : [])];
      if (own.length > 0) props['ssl.truststore.certificates'] = own.join('\n');
    }
    const certGiven = ['ssl.keystore.location', 'ssl.keystore.key', 'ssl.certificate.location'].some((k) => props[k] !== undefined);
    if (listenerSetting(broker.state.config, listener.name, 'ssl.client.auth') === 'required' && !certGiven) {
      throw new Error(`listener ${listener.name} requires client certificates: give the gateway one (brook.gateway.ssl.keystore.location, a PEM key and chain), or brook.gateway.listener naming another listener.`);
    }
  }
  const { clientSecurityFromProperties } = await import('../../client/index.js');
  return { brokers: [listener.bootstrap], security: clientSecurityFromProperties(props), listener: listener.name, internalUser };
}
