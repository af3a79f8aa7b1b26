// SASL/OAUTHBEARER (RFC 7628, KIP-255, KIP-768): the client's one message is a GS2 header and
// key=value pairs separated by 0x01, one of them `auth=Bearer <JWT>`. The token is checked by one of
// two validators, with the `jose` library doing all JWT parsing and cryptography:
//   JWKS       (sasl.oauthbearer.jwks.endpoint.url set: a file:// path or an http(s):// URL) the
//              signature against the key set (RS256/ES256 and the other asymmetric JWS algorithms),
//              exp and nbf (with sasl.oauthbearer.clock.skew.seconds), and iss / aud when
//              sasl.oauthbearer.expected.issuer / .audience are set;
//   unsecured  (brook.sasl.oauthbearer.allow.unsecured=true, for tests and development) tokens with
//              alg "none" and no signature, as Kafka's OAuthBearerUnsecuredValidatorCallbackHandler
//              accepts; exp is still required and checked.
// Neither configured: every OAUTHBEARER attempt fails (Kafka would accept unsigned tokens by default;
// Brook does not open that door unasked). The principal is the claim named by
// sasl.oauthbearer.sub.claim.name (default sub); the token's exp bounds the session (KIP-368).
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { ConfigError, type BrokerConfig } from '../config/broker-config.js';
import { SaslAuthenticationError, type SaslExchange } from './session.js';

const KV_SEP = '\u0001';
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export interface OAuthBearerSettings {
  keys: JWTVerifyGetKey | null;
  allowUnsecured: boolean;
  issuer: string | null;
  audience: string[] | null;
  claim: string;
  skewSeconds: number;
}

export function oauthBearerSettings(config: BrokerConfig): OAuthBearerSettings {
  const url = config.get('sasl.oauthbearer.jwks.endpoint.url') ?? '';
  let keys: JWTVerifyGetKey | null = null;
  if (url.startsWith('file:') || url.startsWith('/')) {
    const path = url.startsWith('file:') ? new URL(url).pathname : url;
    try {
      keys = createLocalJWKSet(JSON.parse(readFileSync(path, 'utf8')) as Parameters<typeof createLocalJWKSet>[0]);
    } catch (e) {
      throw new ConfigError(`sasl.oauthbearer.jwks.endpoint.url=${url} is not a readable JWKS file (${e instanceof Error ? e.message : String(e)})`);
    }
  } else if (url !== '') {
    keys = createRemoteJWKSet(new URL(url));
  }
  const audience = (config.get('sasl.oauthbearer.expected.audience') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    keys,
    allowUnsecured: config.getBoolean('brook.sasl.oauthbearer.allow.unsecured'),
    issuer: (config.get('sasl.oauthbearer.expected.issuer') ?? '') || null,
    audience: audience.length === 0 ? null : audience,
    claim: config.get('sasl.oauthbearer.sub.claim.name') ?? 'sub',
    skewSeconds: config.getNumber('sasl.oauthbearer.clock.skew.seconds'),
  };
}

/** The bearer token of a client's initial response (RFC 7628 section 3.1), or why there is none. */
export function bearerToken(message: Buffer): string {
  const text = message.toString('utf8');
  const sep = text.indexOf(KV_SEP);
  if (!text.startsWith('n,') && !text.startsWith('y,')) throw new SaslAuthenticationError('OAUTHBEARER message does not start with a GS2 header');
  if (sep < 0) throw new SaslAuthenticationError('OAUTHBEARER message has no key/value pairs');
  for (const pair of text.slice(sep + 1).split(KV_SEP)) {
    if (pair.startsWith('auth=')) {
      const m = /^auth=Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(pair);
      if (!m) throw new SaslAuthenticationError('OAUTHBEARER auth value is not "Bearer <token>"');
      return m[1]!;
    }
  }
  throw new SaslAuthenticationError('OAUTHBEARER message carries no auth=Bearer token');
}

export class OAuthBearerServerExchange implements SaslExchange {
  readonly mechanism = 'OAUTHBEARER';

  constructor(private readonly settings: OAuthBearerSettings) {}

  async evaluate(message: Buffer): Promise<{ response: Buffer; user: string | null; expiresAt?: number }> {
    const token = bearerToken(message);
    const payload = await this.validate(token);
    const name = payload[this.settings.claim];
    if (typeof name !== 'string' || name === '') throw new SaslAuthenticationError(`OAUTHBEARER token has no "${this.settings.claim}" claim`);
    return { response: Buffer.alloc(0), user: name, expiresAt: payload.exp! * 1000 };
  }

  private async validate(token: string): Promise<JWTPayload> {
    const s = this.settings;
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new SaslAuthenticationError('OAUTHBEARER token is not a JWS');
    }
    let payload: JWTPayload;
    if (header.alg === 'none') {
      if (!s.allowUnsecured) throw new SaslAuthenticationError('unsecured OAUTHBEARER tokens (alg none) are not accepted');
      if (!/^[^.]+\.[^.]+\.$/.test(token)) throw new SaslAuthenticationError('an unsecured token must have an empty signature');
      try {
        payload = decodeJwt(token);
      } catch {
        throw new SaslAuthenticationError('OAUTHBEARER token payload is not a JWT claims set');
      }
      const now = Date.now() / 1000;
      if (typeof payload.exp === 'number' && payload.exp + s.skewSeconds < now) throw new SaslAuthenticationError('OAUTHBEARER token has expired');
      if (typeof payload.nbf === 'number' && payload.nbf - s.skewSeconds > now) throw new SaslAuthenticationError('OAUTHBEARER token is not valid yet');
      if (s.issuer !== null && payload.iss !== s.issuer) throw new SaslAuthenticationError('OAUTHBEARER token has another issuer');
    } else {
      if (s.keys === null) throw new SaslAuthenticationError('signed OAUTHBEARER tokens need sasl.oauthbearer.jwks.endpoint.url on the broker');
      try {
        ({ payload } = await jwtVerify(token, s.keys, {
          algorithms: ASYMMETRIC,
          clockTolerance: s.skewSeconds,
          ...(s.issuer !== null ? { issuer: s.issuer } : {}),
          ...(s.audience !== null ? { audience: s.audience } : {}),
        }));
      } catch (e) {
        throw new SaslAuthenticationError(`OAUTHBEARER token refused: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (typeof payload.exp !== 'number') throw new SaslAuthenticationError('OAUTHBEARER token has no exp claim');
    return payload;
  }
}
