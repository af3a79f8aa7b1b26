// Broker keys of listeners, TLS, SASL and ACLs (docs/security.md), with Kafka's names, defaults and
// meanings. Any `ssl.*` key may also be given per listener as `listener.name.<listener>.ssl.*`
// (lower-case listener name), which wins over the broker-wide key, as in Kafka.
import { def, type ConfigDefinition } from './config-definition.js';

export const SECURITY_BROKER_CONFIGS: readonly ConfigDefinition[] = [
  def('listeners', 'STRING', null, 'Comma-separated NAME://host:port listeners (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL or names mapped by listener.security.protocol.map). Unset: one PLAINTEXT listener on the --host/--port.'),
  def('advertised.listeners', 'STRING', null, 'NAME://host:port per listener as clients should reach it (Metadata, FindCoordinator); unset: the bound address.'),
  def(
    'listener.security.protocol.map',
    'STRING',
    'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'NAME:PROTOCOL pairs giving each listener name its security protocol.',
  ),
  def('ssl.keystore.type', 'STRING', 'PEM', 'Format of the broker key and certificate: PEM or PKCS12.', { allowed: ['PEM', 'PKCS12'] }),
  def('ssl.keystore.location', 'STRING', null, 'File holding the broker private key and certificate chain (PEM or PKCS#12).'),
  def('ssl.keystore.password', 'PASSWORD', null, 'Password of a PKCS#12 keystore.'),
  def('ssl.key.password', 'PASSWORD', null, 'Password of an encrypted PEM private key.'),
  def('ssl.keystore.certificate.chain', 'PASSWORD', null, 'The broker certificate chain as PEM text (instead of ssl.keystore.location).'),
  def('ssl.keystore.key', 'PASSWORD', null, 'The broker private key as PEM text (instead of ssl.keystore.location).'),
  def('ssl.truststore.type', 'STRING', 'PEM', 'Format of the trusted CA certificates: PEM (Node cannot load trust anchors from PKCS#12).', { allowed: ['PEM'] }),
  def('ssl.truststore.location', 'STRING', null, 'File of CA certificates client certificates are verified against.'),
  def('ssl.truststore.certificates', 'PASSWORD', null, 'Trusted CA certificates as PEM text (instead of ssl.truststore.location).'),
  def('ssl.client.auth', 'STRING', 'none', 'Client certificates: required (handshake fails without a trusted one), requested (verified when sent), none.', { allowed: ['required', 'requested', 'none'] }),
  def('ssl.enabled.protocols', 'LIST', 'TLSv1.2,TLSv1.3', 'TLS versions accepted; older ones are refused outright.', { allowed: ['TLSv1.2', 'TLSv1.3'] }),
  def('ssl.principal.mapping.rules', 'STRING', 'DEFAULT', 'Rules turning a client certificate subject into a principal name: RULE:pattern/replacement/[LU], ..., DEFAULT.'),
  // Kafka's default is GSSAPI (Kerberos), which Brook does not serve: the default is what it does serve.
  def('sasl.enabled.mechanisms', 'LIST', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512', 'SASL mechanisms offered on SASL listeners.', { allowed: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] }),
  def('sasl.server.max.receive.size', 'INT', '524288', 'The largest request (or raw SASL token) a client may send before it has authenticated; a larger one closes the connection.', { min: 1 }),
  def('connection.failed.authentication.delay.ms', 'INT', '100', 'How long the answer to a failed authentication is held before the connection closes (slows password guessing).', { min: 0 }),
  def('authorizer.class.name', 'STRING', '', 'Empty: no authorization. Any other value (e.g. org.apache.kafka.metadata.authorizer.StandardAuthorizer) turns the ACL authorizer on.'),
  def('super.users', 'STRING', '', 'Semicolon-separated principals (User:alice;User:CN=admin) allowed everything whatever the ACLs say.'),
  def('allow.everyone.if.no.acl.found', 'BOOLEAN', 'false', 'Whether a resource without any matching ACL is open to everyone (only with the authorizer on).'),
  def('connections.max.reauth.ms', 'LONG', '0', 'Longest a SASL session lasts before the client must re-authenticate on its connection (KIP-368); 0: sessions do not expire.', { min: 0 }),
  // OAUTHBEARER (security/oauthbearer.ts): a JWKS-validated mode, and unsecured tokens only when allowed.
  def('sasl.oauthbearer.jwks.endpoint.url', 'STRING', null, 'JWKS that OAUTHBEARER token signatures are checked against: an http(s):// URL or a file:// path.'),
  def('sasl.oauthbearer.expected.issuer', 'STRING', null, 'The iss claim OAUTHBEARER tokens must carry (unset: not checked).'),
  def('sasl.oauthbearer.expected.audience', 'LIST', null, 'Audiences of which an OAUTHBEARER token must name one (unset: not checked).'),
  def('sasl.oauthbearer.sub.claim.name', 'STRING', 'sub', 'The claim that names the principal of an OAUTHBEARER token.'),
  def('sasl.oauthbearer.clock.skew.seconds', 'INT', '30', 'Tolerance when checking exp and nbf of OAUTHBEARER tokens.', { min: 0 }),
  def('brook.ssl.reload.check.interval.ms', 'INT', '10000', 'How often the TLS key, certificate and truststore files (ssl.keystore.location, ssl.truststore.location, per listener too) are checked for renewal; a change reloads every TLS port for new connections. 0: never.', { min: 0 }),
  def('brook.sasl.oauthbearer.allow.unsecured', 'BOOLEAN', 'false', 'Accept unsigned OAUTHBEARER tokens (alg none), for tests and development only.'),
  // Client quotas (docs/security.md "Quotas"): how rates are sampled, and the broker-wide connection rate (KIP-612).
  def('quota.window.num', 'INT', '11', 'Number of samples kept to measure client quota rates.', { min: 1 }),
  def('quota.window.size.seconds', 'INT', '1', 'Length of each sample of client quota rates.', { min: 1 }),
  def('controller.quota.window.num', 'INT', '11', 'Number of samples whose length, times controller.quota.window.size.seconds, sizes the controller_mutation_rate token bucket (a burst of that many seconds).', { min: 1 }),
  def('controller.quota.window.size.seconds', 'INT', '1', 'Length of each controller_mutation_rate sample.', { min: 1 }),
  // How the gateway brook start embeds reaches the broker (cli/commands/embedded-gateway-client.ts): Kafka
  // client settings behind the brook.gateway. prefix; security.protocol is the chosen listener's.
  def('brook.gateway.listener', 'STRING', null, 'The listener the embedded HTTP gateway connects through; unset: the first of listeners.'),
  def('brook.gateway.sasl.mechanism', 'STRING', null, 'SASL mechanism of the embedded gateway on a SASL listener; unset (with no username or JAAS line): an internal user of the broker process, held in memory only and a super user.', { allowed: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] }),
  def('brook.gateway.sasl.username', 'STRING', null, 'User name of the embedded gateway on a SASL listener.'),
  def('brook.gateway.sasl.password', 'PASSWORD', null, 'Password of the embedded gateway on a SASL listener.'),
  def('brook.gateway.sasl.jaas.config', 'PASSWORD', null, 'The embedded gateway credentials as a Java client JAAS line (LoginModule required username="..." password="...";), instead of username and password.'),
  def('brook.gateway.ssl.ca.location', 'STRING', null, 'PEM file of the CAs the embedded gateway trusts on a TLS listener; unset: the listener truststore and certificate chain.'),
  def('brook.gateway.ssl.truststore.location', 'STRING', null, 'PEM file of the CAs the embedded gateway trusts (the Java client name for ssl.ca.location).'),
  def('brook.gateway.ssl.truststore.certificates', 'PASSWORD', null, 'The CAs the embedded gateway trusts, as PEM text.'),
  def('brook.gateway.ssl.keystore.location', 'STRING', null, 'PEM file with the private key and certificate chain the embedded gateway presents (needed where ssl.client.auth=required).'),
  def('brook.gateway.ssl.keystore.key', 'PASSWORD', null, 'The embedded gateway private key as PEM text.'),
  def('brook.gateway.ssl.keystore.certificate.chain', 'PASSWORD', null, 'The embedded gateway certificate chain as PEM text.'),
  def('brook.gateway.ssl.certificate.location', 'STRING', null, 'PEM certificate chain of the embedded gateway (with ssl.key.location).'),
  def('brook.gateway.ssl.key.location', 'STRING', null, 'PEM private key of the embedded gateway (with ssl.certificate.location).'),
  def('brook.gateway.ssl.key.password', 'PASSWORD', null, 'Password of the embedded gateway encrypted private key.'),
  def('brook.gateway.ssl.endpoint.identification.algorithm', 'STRING', 'https', 'https checks the broker host name against its certificate; empty skips the check.'),
  def('max.connection.creation.rate', 'INT', '2147483647', 'New connections per second the broker accepts; one more is closed as soon as it is accepted.', { min: 0, dynamic: true }),
];
