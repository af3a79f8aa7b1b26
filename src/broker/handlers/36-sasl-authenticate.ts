// SaslAuthenticate (key 36), v0-2 (KIP-152): carries one step of the mechanism chosen by
// SaslHandshake. When the exchange completes the connection's principal becomes User:<name> and
// every other API opens up. A failure answers SASL_AUTHENTICATION_FAILED after
// connection.failed.authentication.delay.ms and closes the connection (Kafka's behaviour; the delay
// slows password guessing), with an audit log line.
// KIP-368: with connections.max.reauth.ms (or a credential with an expiry, such as an OAUTHBEARER token)
// v1+ answers session_lifetime_ms, the shorter of the two; the client re-authenticates on the same
// connection before it ends (the principal must not change, else the connection closes), and the
// connection closes at its next request once the session has expired (server/connection.ts).
import { ErrorCode } from '../../protocol/errors.js';
import { apis } from '../../protocol/messages/index.js';
import { userPrincipal } from '../security/principal.js';
import { SaslAuthenticationError } from '../security/session.js';
import { defineHandler } from './handler.js';
import { abortableDelay } from '../../util/abortable-delay.js';

const EMPTY = Buffer.alloc(0);

export default defineHandler({
  api: apis.SaslAuthenticate,
  minVersion: 0,
  maxVersion: 2,
  async handle(request, ctx) {
    const session = ctx.session;
    const exchange = session?.exchange ?? null;
    if (!session || exchange === null || (session.authenticated && session.expiresAt === 0)) {
      if (session?.saslListener) session.closeAfterResponse = 'SaslAuthenticate without a SaslHandshake';
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'SaslAuthenticate is only valid after SaslHandshake on a SASL listener', authBytes: EMPTY, sessionLifetimeMs: 0n };
    }
    const security = ctx.broker.security;
    try {
      const { response, user, expiresAt } = await exchange.evaluate(request.authBytes);
      let lifetimeMs = 0;
      if (user !== null) {
        const principal = userPrincipal(user);
        if (session.authenticated && principal !== session.principal) {
          security.audit.info('authentication failed', { listener: session.listenerName, client: ctx.clientAddress, mechanism: exchange.mechanism, reason: `re-authentication as ${principal} on a connection of ${session.principal}` });
          session.exchange = null;
          session.closeAfterResponse = 're-authentication changed the principal';
          return { errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED, errorMessage: 'Cannot change principals during re-authentication', authBytes: EMPTY, sessionLifetimeMs: 0n };
        }
        const now = Date.now();
        const limits = [security.reauthMs > 0 ? now + security.reauthMs : 0, expiresAt ?? 0].filter((t) => t > 0);
        session.expiresAt = limits.length === 0 ? 0 : Math.max(now + 1, Math.min(...limits));
        lifetimeMs = session.expiresAt === 0 ? 0 : session.expiresAt - now;
        const again = session.authenticated;
        session.principal = principal;
        session.mechanism = exchange.mechanism;
        session.authenticated = true;
        session.exchange = null;
        ctx.logger.debug(again ? 'SASL re-authenticated' : 'SASL authenticated', { mechanism: exchange.mechanism, principal: session.principal, sessionLifetimeMs: lifetimeMs });
      }
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: response, sessionLifetimeMs: BigInt(lifetimeMs) };
    } catch (e) {
      const reason = e instanceof SaslAuthenticationError ? e.message : 'internal error';
      if (!(e instanceof SaslAuthenticationError)) ctx.logger.error('SASL mechanism failed', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      security.audit.info('authentication failed', { listener: session.listenerName, client: ctx.clientAddress, mechanism: exchange.mechanism, reason });
      session.exchange = null;
      session.closeAfterResponse = 'SASL authentication failed';
      await abortableDelay(security.failedAuthenticationDelayMs, ctx.signal);
      return {
        errorCode: ErrorCode.SASL_AUTHENTICATION_FAILED,
        errorMessage: `Authentication failed during authentication due to invalid credentials with SASL mechanism ${exchange.mechanism}`,
        authBytes: EMPTY,
        sessionLifetimeMs: 0n,
      };
    }
  },
});
