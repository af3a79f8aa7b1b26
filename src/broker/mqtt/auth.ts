// Authentication of MQTT connections (CONNECT's User Name and Password, MQTT 5.0 §3.1.3.5/6). Users are
// the broker's own (`brook user create`, SCRAM credentials shared with the Kafka listeners' SASL), plus an
// MQTT-only list from configuration: `brook.mqtt.users` = "user:password,...". With neither, any user name
// is taken as given (mosquitto without a password file). `brook.mqtt.allow.anonymous` says whether a
// client without a user name may connect (default true, as the listener is local-only unless --host says
// otherwise; mosquitto's allow_anonymous).
import { timingSafeEqual } from 'node:crypto';
import { ReasonCode } from '../../mqtt/index.js';
import type { AclOperationCode, ResourceKind } from '../topics/authorized-operations.js';

export interface AuthRequest {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  remoteAddress: string;
}

/** ok, or the CONNACK reason code to refuse with, and a reason for the log (never the client). */
export type AuthResult = { ok: true; user: string | null } | { ok: false; reasonCode: number; reason: string };

export interface MqttAuthenticator {
  authenticate(request: AuthRequest): AuthResult | Promise<AuthResult>;
}

/** The broker's users (security/broker-security.ts), as far as MQTT needs them. */
export interface SharedUsers {
  /** Whether any user exists (`brook user create`). */
  readonly any: () => boolean;
  /** The principal for a right user name and password, else null (and an audit line). */
  authenticatePassword(user: string, password: string, via: { protocol: string; client: string }): Promise<string | null>;
  /** The broker's ACL decision (audited when denied); absent: everything is allowed. */
  authorize?(request: { principal: string; host: string; operation: AclOperationCode; resource: ResourceKind; name: string }, protocol: string): boolean;
  /** A number that moves whenever the ACLs change (decisions cached per session are then dropped). */
  aclGeneration?(): number;
}

export function parseMqttUsers(spec: string): Map<string, string> {
  const users = new Map<string, string>();
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const colon = item.indexOf(':');
    if (colon <= 0) throw new Error(`brook.mqtt.users: "${item}" is not user:password`);
    users.set(item.slice(0, colon), item.slice(colon + 1));
  }
  return users;
}

export class ConfigAuthenticator implements MqttAuthenticator {
  constructor(
    private readonly users: Map<string, string>,
    private readonly allowAnonymous: boolean,
    private readonly shared: SharedUsers | null = null,
  ) {}

  authenticate(request: AuthRequest): AuthResult | Promise<AuthResult> {
    if (request.username === undefined) {
      return this.allowAnonymous ? { ok: true, user: null } : { ok: false, reasonCode: ReasonCode.NotAuthorized, reason: 'anonymous clients are not allowed (brook.mqtt.allow.anonymous=false)' };
    }
    const refused: AuthResult = { ok: false, reasonCode: ReasonCode.BadUserNameOrPassword, reason: `invalid credentials for user "${request.username}"` };
    const expected = this.users.get(request.username);
    if (expected !== undefined) {
      return request.password !== undefined && sameSecret(Buffer.from(expected, 'utf8'), request.password) ? { ok: true, user: request.username } : refused;
    }
    if (this.shared?.any()) {
      if (request.password === undefined) return refused;
      const user = request.username;
      return this.shared.authenticatePassword(user, request.password.toString('utf8'), { protocol: 'mqtt', client: request.remoteAddress }).then((principal) => (principal === null ? refused : { ok: true, user }));
    }
    // With no user list at all, any user name is taken as given (mosquitto without a password file).
    if (this.users.size === 0) return this.allowAnonymous ? { ok: true, user: request.username } : { ok: false, reasonCode: ReasonCode.BadUserNameOrPassword, reason: 'no users are configured (brook user create, brook.mqtt.users)' };
    return refused;
  }
}

function sameSecret(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
