// Authentication of AMQP connections. Users are the broker's own (`brook user create`: the SCRAM
// credentials the Kafka listeners' SASL uses, every vhost), plus AMQP-only users from configuration:
// `brook.amqp.users` = "user:password[:vhost|vhost...],..." (no vhost list: every vhost), checked first.
// The default user guest/guest exists unless configured away, and -- as in RabbitMQ (loopback_users) --
// may only connect from loopback addresses unless `brook.amqp.guest.loopback.only=false`.
//
// Mechanisms (RabbitMQ's defaults): PLAIN ("\0user\0password", RFC 4616) and AMQPLAIN (a field
// table without its length prefix holding LOGIN and PASSWORD).
import { timingSafeEqual } from 'node:crypto';
import { AmqpReader, fieldString, readTable, tableGet } from '../../amqp/index.js';
import type { AclOperationCode, ResourceKind } from '../topics/authorized-operations.js';

export interface AuthResult {
  ok: boolean;
  user: string;
  /** Why it failed (for the log, never for the client). */
  reason?: string;
}

export interface AmqpAuthenticator {
  /** Mechanisms offered in connection.start, in order of preference. */
  readonly mechanisms: readonly string[];
  authenticate(mechanism: string, response: Buffer, remoteAddress: string): AuthResult | Promise<AuthResult>;
  /** Whether `user` may open `vhost`. */
  mayOpen(user: string, vhost: string): boolean;
}

/** The broker's users (security/broker-security.ts), as far as AMQP needs them. */
export interface SharedUsers {
  authenticatePassword(user: string, password: string, via: { protocol: string; client: string }): Promise<string | null>;
  /** The broker's ACL decision (audited when denied); absent: everything is allowed (amqp-acl.ts). */
  authorize?(request: { principal: string; host: string; operation: AclOperationCode; resource: ResourceKind; name: string }, protocol: string): boolean;
  /** Whether the principal holds some right on the topic resources named with `prefix` (audited when not). */
  authorizeWithin?(request: { principal: string; host: string; prefix: string }, protocol: string): boolean;
}

interface UserEntry {
  password: string;
  vhosts: Set<string> | null;
}

export function parseUsers(spec: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [user, password, vhosts] = item.split(':');
    if (!user || password === undefined) throw new Error(`brook.amqp.users: "${item}" is not user:password[:vhost|...]`);
    users.set(user, { password, vhosts: vhosts ? new Set(vhosts.split('|')) : null });
  }
  return users;
}

export function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}

export class ConfigAuthenticator implements AmqpAuthenticator {
  readonly mechanisms = ['PLAIN', 'AMQPLAIN'] as const;

  constructor(
    private readonly users: Map<string, UserEntry>,
    private readonly guestLoopbackOnly: boolean,
    private readonly shared: SharedUsers | null = null,
  ) {}

  authenticate(mechanism: string, response: Buffer, remoteAddress: string): AuthResult | Promise<AuthResult> {
    let creds: { user: string; password: string } | null;
    try {
      creds = mechanism === 'PLAIN' ? parsePlain(response) : mechanism === 'AMQPLAIN' ? parseAmqplain(response) : null;
    } catch {
      creds = null;
    }
    if (!creds) return { ok: false, user: '', reason: `unreadable ${mechanism} response` };
    const entry = this.users.get(creds.user);
    if (!entry && this.shared) {
      const { user, password } = creds;
      return this.shared.authenticatePassword(user, password, { protocol: 'amqp', client: remoteAddress }).then((principal) => (principal === null ? { ok: false, user, reason: 'invalid credentials' } : { ok: true, user }));
    }
    if (!entry || !sameSecret(entry.password, creds.password)) return { ok: false, user: creds.user, reason: 'invalid credentials' };
    if (creds.user === 'guest' && this.guestLoopbackOnly && !isLoopback(remoteAddress)) {
      return { ok: false, user: creds.user, reason: "user 'guest' can only connect via localhost" };
    }
    return { ok: true, user: creds.user };
  }

  mayOpen(user: string, vhost: string): boolean {
    const entry = this.users.get(user);
    // A user not in brook.amqp.users logged in as one of the broker's users: every vhost.
    if (!entry) return this.shared !== null;
    return entry.vhosts === null || entry.vhosts.has(vhost);
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** PLAIN: [authzid] NUL authcid NUL passwd. */
function parsePlain(response: Buffer): { user: string; password: string } | null {
  const parts = response.toString('utf8').split('\0');
  if (parts.length !== 3) return null;
  return { user: parts[1]!, password: parts[2]! };
}

/** AMQPLAIN: table entries without the table's length prefix. */
function parseAmqplain(response: Buffer): { user: string; password: string } | null {
  const framed = Buffer.allocUnsafe(4 + response.length);
  framed.writeUInt32BE(response.length, 0);
  response.copy(framed, 4);
  const table = readTable(new AmqpReader(framed));
  const user = fieldString(tableGet(table, 'LOGIN'));
  const password = fieldString(tableGet(table, 'PASSWORD'));
  return user === undefined || password === undefined ? null : { user, password };
}
