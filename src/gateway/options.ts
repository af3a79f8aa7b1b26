// The gateway's settings, with the defaults `brook start` and `brook gateway` use.
import type { SecureContextOptions } from 'node:tls';
import type { Logger } from '../util/logger.js';
import type { AmqpManagement } from './amqp-api/amqp-source.js';
import type { HttpSecurity } from './auth/http-security.js';
import type { ClientSecurity } from '../client/index.js';

export interface GatewayOptions {
  /** Bootstrap brokers of the cluster to serve ("host:port" each). */
  brokers: string[];
  /**
   * How the gateway's own Kafka clients authenticate to the brokers (SASL, TLS): `brook gateway
   * --command-config`, or what `brook start` gives its embedded gateway. Absent: PLAINTEXT.
   */
  clientSecurity?: ClientSecurity;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clientId?: string;
  logger?: Logger;
  /** Largest request body accepted; larger ones get 413 (default 8 MiB). */
  maxBodyBytes?: number;
  /**
   * Prometheus text of an embedded broker's own metrics. `brook start` passes the broker's
   * registry here (the gateway never imports the broker); `brook gateway` against a remote
   * cluster has none and serves only what it measures itself.
   */
  brokerMetrics?: () => string;
  /**
   * The AMQP front door of an embedded broker (`brook start` passes the broker's management view):
   * the RabbitMQ-style /api/queues, /api/exchanges, /api/bindings routes and the console's Queues page.
   */
  amqp?: AmqpManagement | null;
  /**
   * The broker's users and ACLs (`brook start` passes them): when `required`, every route but the
   * console's files, login and health checks needs HTTP Basic, a bearer token or the console's
   * session cookie, and the route's ACLs (auth/route-access.ts). Absent: open, as before.
   */
  security?: HttpSecurity | null;
  /** TLS on the HTTP port (key and certificate chain, PEM or PKCS#12), TLS 1.2 and 1.3 only. */
  tls?: SecureContextOptions | null;
  /** REST v2 consumer instances: how many at once, and after how long idle they are deleted. */
  maxConsumerInstances?: number;
  consumerIdleMs?: number;
  /** Server-Sent Events. */
  sse?: Partial<SseSettings>;
  /** The schema registry's topic (Confluent's default `_schemas`); false turns the registry off. */
  schemasTopic?: string | false;
  /** Consumer-group lag in /metrics is computed at most this often (default 10 s). */
  lagRefreshMs?: number;
  /**
   * ksqlDB's REST API (/ksql, /query-stream, /query, /info) over brook/sql, with its persistent
   * queries running in this process. Off unless given.
   */
  sql?: { serviceId?: string; stateDir?: string; commitIntervalMs?: number; extensionDir?: string } | false;
}

export interface SseSettings {
  /** A `: heartbeat` comment this often keeps proxies from closing idle streams. */
  heartbeatMs: number;
  maxSubscribers: number;
  /** A subscriber whose socket stayed full this long is disconnected (it resumes with Last-Event-ID). */
  maxPausedMs: number;
  /** Recent records kept per topic partition for live subscribers to share. */
  tailRecordsPerPartition: number;
  /** Bytes a single subscriber's socket may hold before it is paused. */
  subscriberBufferBytes: number;
}

export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  port: 8080,
  maxBodyBytes: 8 * 1024 * 1024,
  maxConsumerInstances: 1000,
  consumerIdleMs: 300_000,
  schemasTopic: '_schemas',
  lagRefreshMs: 10_000,
  sse: { heartbeatMs: 15_000, maxSubscribers: 10_000, maxPausedMs: 30_000, tailRecordsPerPartition: 1000, subscriberBufferBytes: 256 * 1024 } satisfies SseSettings,
} as const;

export interface ResolvedGatewayOptions {
  brokers: string[];
  clientSecurity: ClientSecurity;
  host: string;
  port: number;
  clientId: string;
  maxBodyBytes: number;
  brokerMetrics: (() => string) | undefined;
  amqp: AmqpManagement | null;
  security: HttpSecurity | null;
  tls: SecureContextOptions | null;
  maxConsumerInstances: number;
  consumerIdleMs: number;
  sse: SseSettings;
  schemasTopic: string | false;
  lagRefreshMs: number;
  sql: { serviceId?: string; stateDir?: string; commitIntervalMs?: number; extensionDir?: string } | false;
}

export function resolveGatewayOptions(o: GatewayOptions): ResolvedGatewayOptions {
  return {
    brokers: o.brokers,
    clientSecurity: o.clientSecurity ?? {},
    host: o.host ?? GATEWAY_DEFAULTS.host,
    port: o.port ?? GATEWAY_DEFAULTS.port,
    clientId: o.clientId ?? 'brook-gateway',
    maxBodyBytes: o.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes,
    brokerMetrics: o.brokerMetrics,
    amqp: o.amqp ?? null,
    security: o.security ?? null,
    tls: o.tls ?? null,
    maxConsumerInstances: o.maxConsumerInstances ?? GATEWAY_DEFAULTS.maxConsumerInstances,
    consumerIdleMs: o.consumerIdleMs ?? GATEWAY_DEFAULTS.consumerIdleMs,
    sse: { ...GATEWAY_DEFAULTS.sse, ...o.sse },
    schemasTopic: o.schemasTopic ?? GATEWAY_DEFAULTS.schemasTopic,
    lagRefreshMs: o.lagRefreshMs ?? GATEWAY_DEFAULTS.lagRefreshMs,
    sql: o.sql ?? false,
  };
}
