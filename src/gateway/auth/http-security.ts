// What the gateway needs of the broker's security to guard its routes: whether authentication is
// required, the broker's password check (the one the AMQP and MQTT listeners use), and the ACL
// authorizer. `brook start` passes the broker's (broker/security/http-security-view.ts has this
// shape; the gateway never imports the broker); without it the gateway is open, as before.

/** Kafka's AclOperation codes for the operations the routes need. */
export const Op = {
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export type ResourceKind = 'topic' | 'group' | 'cluster';

export interface AccessRequest {
  principal: string;
  operation: OpCode;
  resource: ResourceKind;
  name: string;
  host?: string;
}

export interface HttpSecurity {
  /** True when requests must authenticate (the broker has SASL/SSL listeners or an authorizer). */
  readonly required: boolean;
  /** The principal ("User:<name>") or null; failures go to the broker's audit log. */
  authenticatePassword(user: string, password: string, via: { protocol: string; client: string }): Promise<string | null>;
  /** The ACL decision (every request allowed when the broker has no authorizer). */
  allows(request: AccessRequest): boolean;
  /**
   * Whether the principal holds some right on a TOPIC resource named with `prefix` (an AMQP vhost's
   * `amqp:<vhost>:`, the test connection.open makes; super users always), without an audit line.
   */
  allowsWithin(request: { principal: string; prefix: string; host?: string }): boolean;
  /** How long a failed password check is held before its 401 (connection.failed.authentication.delay.ms). */
  readonly failedAuthenticationDelayMs?: number;
  /** One audit line for a denied request. */
  denied(request: AccessRequest & { route: string }): void;
  /** One debug-level audit line for an item a list left out (Kafka's logIfDenied = false). */
  filtered?(request: AccessRequest & { route: string }): void;
}
