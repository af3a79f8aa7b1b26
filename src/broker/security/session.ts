// What one connection has proved about its client: the listener it came through, the principal
// (ANONYMOUS, the certificate's mapped subject on SSL, the SASL user after authentication) and, on
// SASL listeners, where the SASL exchange stands. The connection allows nothing but ApiVersions,
// SaslHandshake and SaslAuthenticate until `authenticated` is true (Kafka's SaslServerAuthenticator
// disconnects a client that sends anything else first); on PLAINTEXT and SSL listeners it starts true,
// so an unauthenticated broker pays one branch per request for it.
//
// KIP-368 re-authentication: with connections.max.reauth.ms set (or a credential that expires, such as
// an OAUTHBEARER token), SaslAuthenticate tells the client its session lifetime and `expiresAt` is set;
// the client re-authenticates on the same connection (SaslHandshake + SaslAuthenticate, same mechanism,
// same principal) before then, and a request other than those after expiry closes the connection.
import { ANONYMOUS_PRINCIPAL } from './principal.js';
import type { SecurityProtocol } from './listeners.js';

/** One step of a SASL mechanism's server side (sasl/*.ts). */
export interface SaslExchange {
  readonly mechanism: string;
  /**
   * Takes the client's next message; resolves with the server's answer and, once done, the
   * authenticated user name. Rejects with SaslAuthenticationError when the client fails.
   */
  evaluate(message: Buffer): Promise<{ response: Buffer; user: string | null; expiresAt?: number }>;
}

export class SaslAuthenticationError extends Error {
  override readonly name = 'SaslAuthenticationError';
}

/** The APIs a SASL listener answers before authentication (KIP-43, KIP-152). */
export const PRE_AUTHENTICATION_APIS: ReadonlySet<number> = new Set([17, 18, 36]);

export class SecuritySession {
  principal = ANONYMOUS_PRINCIPAL;
  authenticated: boolean;
  /** The mechanism chosen by SaslHandshake, until SaslAuthenticate completes it. */
  exchange: SaslExchange | null = null;
  /** The mechanism that authenticated the connection (re-authentication must use it again). */
  mechanism: string | null = null;
  /** When the authenticated session ends (ms since the epoch), 0 for never (KIP-368). */
  expiresAt = 0;
  /** After SaslHandshake v0: the next frames are bare SASL tokens, not requests (raw-sasl.ts). */
  rawTokens = false;
  /** Set when a response must be the connection's last (a failed authentication). */
  closeAfterResponse: string | null = null;

  constructor(
    readonly listenerName: string,
    readonly protocol: SecurityProtocol,
    /** The client's address without port, as ACL host entries name it. */
    readonly clientHost: string,
    /** Where this listener tells clients to connect. */
    readonly advertised: { readonly host: string; readonly port: number },
  ) {
    this.authenticated = protocol !== 'SASL_PLAINTEXT' && protocol !== 'SASL_SSL';
  }

  /** Whether the session has run out (checked per request only when it can expire). */
  expired(now: number): boolean {
    return this.expiresAt !== 0 && now >= this.expiresAt;
  }

  get saslListener(): boolean {
    return this.protocol === 'SASL_PLAINTEXT' || this.protocol === 'SASL_SSL';
  }
}
