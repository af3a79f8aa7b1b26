// SaslHandshake (key 17), v0-1 (KIP-43, KIP-152). On a SASL listener before authentication: picks
// the mechanism (UNSUPPORTED_SASL_MECHANISM and the enabled list when it is not offered, then the
// connection closes, as Kafka's SaslServerAuthenticator does). Anywhere else (PLAINTEXT/SSL
// listeners, a second handshake, after authentication) Kafka answers ILLEGAL_SASL_STATE.
// v0 (as Kafka 4.x still serves it): after the handshake the client sends bare size-prefixed SASL tokens
// instead of SaslAuthenticate requests (security/raw-sasl.ts, server/connection.ts).
// KIP-368: on a connection whose session can expire, a handshake after authentication starts a
// re-authentication, which must use the mechanism the connection authenticated with.
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { defineHandler } from './handler.js';

export default defineHandler({
  api: apis.SaslHandshake,
  minVersion: 0,
  maxVersion: 1,
  handle(request, ctx) {
    const session = ctx.session;
    const security = ctx.broker.security;
    const reauthenticating = session !== undefined && session.authenticated && session.expiresAt !== 0;
    if (!session || !session.saslListener || (session.authenticated && !reauthenticating) || session.exchange !== null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...security.mechanisms] };
    }
    if (reauthenticating && request.mechanism !== session.mechanism) {
      session.closeAfterResponse = `re-authentication with ${request.mechanism} on a connection authenticated with ${session.mechanism ?? '?'}`;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [session.mechanism ?? ''] };
    }
    const exchange = security.newExchange(request.mechanism);
    if (exchange === null) {
      session.closeAfterResponse = `unsupported SASL mechanism ${request.mechanism}`;
      return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: [...security.mechanisms] };
    }
    session.exchange = exchange;
    session.rawTokens = ctx.header.apiVersion === 0;
    return { errorCode: ErrorCode.NONE, mechanisms: [...security.mechanisms] };
  },
});
