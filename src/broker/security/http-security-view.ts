// The broker's users and ACLs as the HTTP gateway asks for them (the gateway's HttpSecurity
// interface, src/gateway/auth/http-security.ts, has this shape; the gateway never imports the
// broker, `brook start` hands this over). HTTP authentication is required as soon as the broker's
// own security is: any listener other than PLAINTEXT, or an authorizer (authorizer.class.name).
import type { TlsOptions } from 'node:tls';
import type { BrokerConfig } from '../config/broker-config.js';
import type { Authorizer, AclOperationCode, ResourceKind } from '../topics/authorized-operations.js';
import type { BrokerSecurity } from './broker-security.js';
import { buildListenerTls } from './tls-options.js';

/**
 * TLS for the HTTP port, from the same PEM (or PKCS#12) settings as the Kafka listeners, scoped to a
 * listener named HTTP: `listener.name.http.ssl.keystore.location` (or `.ssl.keystore.key` and
 * `.ssl.keystore.certificate.chain`) turns it on; other `ssl.*` keys fall back to the broker-wide
 * ones. Null (plain HTTP) when no HTTP keystore is configured.
 */
export function httpTlsOptions(config: BrokerConfig): TlsOptions | null {
  const own = ['ssl.keystore.location', 'ssl.keystore.key', 'ssl.keystore.certificate.chain'].some((k) => config.staticValue(`listener.name.http.${k}`) !== undefined);
  return own ? buildListenerTls(config, 'HTTP').options : null;
}

export interface HttpAccessRequest {
  principal: string;
  operation: number;
  resource: 'topic' | 'group' | 'cluster';
  name: string;
  host?: string;
}

export class HttpSecurityView {
  readonly required: boolean;
  readonly failedAuthenticationDelayMs: number;

  constructor(
    private readonly security: BrokerSecurity,
    private readonly authorizer: Authorizer,
    listenerProtocols: readonly string[],
  ) {
    this.required = security.authorizer !== null || listenerProtocols.some((p) => p !== 'PLAINTEXT');
    this.failedAuthenticationDelayMs = security.failedAuthenticationDelayMs;
  }

  authenticatePassword(user: string, password: string, via: { protocol: string; client: string }): Promise<string | null> {
    return this.security.authenticatePassword(user, password, via);
  }

  allows(r: HttpAccessRequest): boolean {
    const request = { principal: r.principal, operation: r.operation as AclOperationCode, resource: r.resource as ResourceKind, name: r.name, ...(r.host !== undefined ? { host: r.host } : {}) };
    return this.authorizer.allows(request);
  }

  /** Some right inside the namespace (acl-authorizer.ts allowsWithin, as AMQP's connection.open asks); true without an authorizer. */
  allowsWithin(r: { principal: string; prefix: string; host?: string }): boolean {
    const authorizer = this.security.authorizer;
    return authorizer === null || authorizer.allowsWithin({ principal: r.principal, host: r.host ?? '', resource: 'topic', prefix: r.prefix });
  }

  denied(r: HttpAccessRequest & { route: string }): void {
    this.security.audit.info('denied', { principal: r.principal, host: r.host ?? '', protocol: 'HTTP', route: r.route, operation: r.operation, resource: r.resource, name: r.name });
  }

  /** An item a list left out: a debug-level audit line, as the Kafka listeners write for Metadata's filtering. */
  filtered(r: HttpAccessRequest & { route: string }): void {
    if (this.security.audit.enabled('debug')) this.security.audit.debug('denied', { principal: r.principal, host: r.host ?? '', protocol: 'HTTP', route: r.route, operation: r.operation, resource: r.resource, name: r.name, filtered: true });
  }
}
