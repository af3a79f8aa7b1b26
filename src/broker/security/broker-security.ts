// The broker's security services in one place, built once at start and shared by every front door
// (Kafka listeners now; AMQP, MQTT and HTTP through the same calls):
//   credentials     SCRAM users, durable under meta/ (credential-store.ts);
//   newExchange     the server side of a SASL mechanism enabled by sasl.enabled.mechanisms;
//   authenticatePassword  user + password -> principal, for any protocol that takes passwords;
//   acls, authorizer  the durable ACLs and, when authorizer.class.name is set, the authorizer over them
//                   (null otherwise: every request is allowed, at the cost of one branch);
//   audit           the audit log: one line per failed authentication, denied request, ACL or user change;
//   quotaStore, quotas  the durable client quotas and their enforcement (client-quotas.ts).
import { randomBytes } from 'node:crypto';
import type { FileSystem } from '../../storage/index.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { CredentialStore } from './credential-store.js';
import { AclStore } from './acl-store.js';
import { AclAuthorizer } from './acl-authorizer.js';
import { QuotaStore } from './quota-store.js';
import { ClientQuotas } from './client-quotas.js';
import { userPrincipal } from './principal.js';
import { PlainServerExchange } from './sasl-plain.js';
import { createCredential, scramMechanism, ScramServerExchange, type ScramMechanismName } from './scram.js';
import type { SaslExchange } from './session.js';
import type { AclOperationCode, ResourceKind } from '../topics/authorized-operations.js';
import { OAuthBearerServerExchange, oauthBearerSettings, type OAuthBearerSettings } from './oauthbearer.js';

export class BrokerSecurity {
  readonly mechanisms: readonly string[];
  readonly failedAuthenticationDelayMs: number;
  /** connections.max.reauth.ms: the longest a SASL session lasts before re-authentication (0: forever). */
  readonly reauthMs: number;
  private readonly fakeSaltKey = randomBytes(32);

  readonly authorizer: AclAuthorizer | null;
  readonly quotas: ClientQuotas;
  private readonly oauthBearer: OAuthBearerSettings | null;

  private constructor(
    readonly credentials: CredentialStore,
    readonly acls: AclStore,
    config: BrokerConfig,
    readonly audit: Logger,
    readonly quotaStore: QuotaStore,
  ) {
    this.quotas = new ClientQuotas(quotaStore, config);
    this.authorizer =
      (config.get('authorizer.class.name') ?? '') === ''
        ? null
        : new AclAuthorizer(acls, AclAuthorizer.superUsersFrom(config.get('super.users') ?? ''), config.getBoolean('allow.everyone.if.no.acl.found'));
    this.mechanisms = (config.get('sasl.enabled.mechanisms') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
    this.failedAuthenticationDelayMs = config.getNumber('connection.failed.authentication.delay.ms');
    this.reauthMs = config.getNumber('connections.max.reauth.ms');
    this.oauthBearer = this.mechanisms.includes('OAUTHBEARER') ? oauthBearerSettings(config) : null;
  }

  static async open(config: BrokerConfig, fs: FileSystem, dataDir: string, logger: Logger): Promise<BrokerSecurity> {
    const credentials = new CredentialStore(fs, dataDir);
    await credentials.load();
    const acls = new AclStore(fs, dataDir);
    await acls.load();
    const quotaStore = new QuotaStore(fs, dataDir);
    await quotaStore.load();
    return new BrokerSecurity(credentials, acls, config, logger.child({ component: 'audit' }), quotaStore);
  }

  /** A fresh server exchange for an enabled mechanism, or null when it is not offered. */
  newExchange(mechanism: string): SaslExchange | null {
    if (!this.mechanisms.includes(mechanism)) return null;
    if (mechanism === 'OAUTHBEARER') return this.oauthBearer ? new OAuthBearerServerExchange(this.oauthBearer) : null;
    if (mechanism === 'PLAIN') return new PlainServerExchange((u, p) => this.credentials.verifyPassword(u, p));
    const scram = scramMechanism(mechanism);
    if (!scram) return null;
    return new ScramServerExchange(scram, (user) => this.credentials.get(user, scram.name as ScramMechanismName), this.fakeSaltKey);
  }

  /**
   * A user for a client inside this process that must reach a SASL listener as the broker itself (the
   * gateway `brook start` embeds, when no credentials are configured for it): a random name and a random
   * 256-bit password, a credential held in memory only (never stored, never listed), and a super user
   * when ACLs are on. The mechanism is the strongest password mechanism enabled; null when none is
   * (OAUTHBEARER only), and the caller must then be given credentials.
   */
  async internalUser(purpose: string): Promise<{ username: string; password: string; mechanism: 'PLAIN' | ScramMechanismName } | null> {
    const mechanism = (['SCRAM-SHA-512', 'SCRAM-SHA-256', 'PLAIN'] as const).find((m) => this.mechanisms.includes(m));
    if (mechanism === undefined) return null;
    const username = `brook-internal-${purpose}-${randomBytes(6).toString('hex')}`;
    const password = randomBytes(32).toString('base64url');
    // PLAIN checks passwords against the SCRAM credentials, so one SCRAM credential serves all three.
    const scram = scramMechanism(mechanism === 'PLAIN' ? 'SCRAM-SHA-512' : mechanism)!;
    this.credentials.addProcessOnly(username, scram.name as ScramMechanismName, await createCredential(scram, password));
    this.authorizer?.addSuperUser(userPrincipal(username));
    this.audit.info('internal user created', { user: username, purpose, mechanism });
    return { username, password, mechanism };
  }

  /**
   * An ACL decision for the other front doors (AMQP, MQTT: docs/security.md names their mappings):
   * true without an authorizer; a denial is audited with the protocol.
   */
  authorize(request: { principal: string; host: string; operation: AclOperationCode; resource: ResourceKind; name: string }, protocol: string): boolean {
    if (this.authorizer === null || this.authorizer.allows(request)) return true;
    this.audit.info('denied', { protocol, principal: request.principal, host: request.host, operation: request.operation, resource: request.resource, name: request.name });
    return false;
  }

  /**
   * Whether the principal holds some right on the TOPIC resources named with `prefix` (an AMQP vhost's
   * `amqp:<vhost>:`; acl-authorizer.ts allowsWithin): true without an authorizer; a denial is audited.
   */
  authorizeWithin(request: { principal: string; host: string; prefix: string }, protocol: string): boolean {
    if (this.authorizer === null || this.authorizer.allowsWithin({ ...request, resource: 'topic' })) return true;
    this.audit.info('denied', { protocol, principal: request.principal, host: request.host, resource: 'topic', name: `${request.prefix}*` });
    return false;
  }

  /**
   * Checks a password for any front door (AMQP PLAIN/AMQPLAIN, MQTT CONNECT, HTTP basic auth):
   * resolves with the principal ("User:<name>") or null, and logs a failure to the audit log.
   */
  async authenticatePassword(user: string, password: string, via: { protocol: string; client: string }): Promise<string | null> {
    if (await this.credentials.verifyPassword(user, password)) return userPrincipal(user);
    this.audit.info('authentication failed', { protocol: via.protocol, client: via.client, user, reason: 'invalid user name or password' });
    return null;
  }
}
