// SaslHandshake (key 17), v0-1 (KIP-43, KIP-152). On a SASL listener before authentication: picks
// the mechanism (UNSUPPORTED_SASL_MECHANISM and the enabled list when it is not offered, then the
// connection closes, as Kafka's SaslServerAuthenticator does). Anywhere else (PLAINTEXT/SSL
// listeners, a second handshake, after authentication) Kafka answers ILLEGAL_SASL_STATE.
// v0 (as Kafka 4.x still serves it): after the handshake the client sends bare size-prefixed SASL tokens
// instead of SaslAuthenticate requests (security/raw-sasl.ts, server/connection.ts).
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
    if (!session || !session.saslListener || session.authenticated || session.exchange !== null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...security.mechanisms] };
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
