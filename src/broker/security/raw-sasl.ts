// SASL tokens without SaslAuthenticate framing: after a SaslHandshake v0 (KIP-43, before KIP-152) the
// client sends each token of the mechanism as a bare size-prefixed frame and the broker answers each
// the same way, as Kafka's SaslServerAuthenticator does for clients that do not use SaslAuthenticate.
// PLAIN's one step is answered with an empty token. A failure is not answerable in this framing: the
// connection is closed after connection.failed.authentication.delay.ms, with an audit line.
import type { Logger } from '../../util/logger.js';
import type { BrokerSecurity } from './broker-security.js';
import { userPrincipal } from './principal.js';
import { SaslAuthenticationError, type SecuritySession } from './session.js';
import { abortableDelay } from '../../util/abortable-delay.js';

export type RawTokenOutcome = { kind: 'token'; frame: Buffer } | { kind: 'close'; reason: string };

/** Evaluates one raw token of the session's exchange: the size-prefixed answer, or why to close. */
export async function evaluateRawToken(session: SecuritySession, security: BrokerSecurity, token: Buffer, client: string, logger: Logger, signal: AbortSignal): Promise<RawTokenOutcome> {
  const exchange = session.exchange;
  if (exchange === null) return { kind: 'close', reason: 'raw SASL token without a SaslHandshake v0' };
  try {
    const { response, user } = await exchange.evaluate(token);
    if (user !== null) {
      session.principal = userPrincipal(user);
      session.authenticated = true;
      session.exchange = null;
      session.rawTokens = false;
      logger.debug('SASL authenticated', { mechanism: exchange.mechanism, principal: session.principal, handshake: 'v0' });
    }
    const size = Buffer.alloc(4);
    size.writeInt32BE(response.length);
    return { kind: 'token', frame: Buffer.concat([size, response]) };
  } catch (e) {
    const reason = e instanceof SaslAuthenticationError ? e.message : 'internal error';
    if (!(e instanceof SaslAuthenticationError)) logger.error('SASL mechanism failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    security.audit.info('authentication failed', { listener: session.listenerName, client, mechanism: exchange.mechanism, reason });
    session.exchange = null;
    await abortableDelay(security.failedAuthenticationDelayMs, signal);
    return { kind: 'close', reason: 'SASL authentication failed' };
  }
}
