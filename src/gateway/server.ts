// The gateway's HTTP server: one fastify instance serving REST Proxy v2 and v3, Server-Sent
// Events, the schema registry, metrics and health on one port. `/` is left free for the web
// console. Every route declares its schema; the OpenAPI 3.1 document at /openapi.json is
// generated from those declarations (so it cannot describe a route that does not exist), and a
// test checks that every route is in it.
//
// Error bodies everywhere are Confluent's `{ error_code, message }`: HttpError carries its own;
// malformed JSON is 400, a failed schema check 422, an unsupported media type 415, a body over
// the limit 413, an unknown route 404, anything unexpected 500 with a log line.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server as TlsServer, type SecureContextOptions } from 'node:tls';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import { silentLogger } from '../util/logger.js';
import type { GatewayContext } from './context.js';
import { registerJsonParsers } from './content-types.js';
import { HttpError } from './http-error.js';
import { KafkaAccess } from './kafka-access.js';
import { resolveGatewayOptions, type GatewayOptions } from './options.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerMetricsRoutes } from './metrics/metrics-routes.js';
import { registerV2Routes } from './rest-v2/routes.js';
import { registerV3Routes } from './rest-v3/routes.js';
import { registerSseRoutes } from './sse/sse-routes.js';
import { registerRegistryRoutes } from './registry/routes.js';
import { SchemaStore } from './registry/schema-store.js';
import { RegistryService } from './registry/registry-service.js';
import { sqlSchemaRegistry } from './registry/sql-registry.js';
import { ConsumerInstances } from './rest-v2/consumer-instances.js';
import { SseHub } from './sse/sse-hub.js';
import { packageInfo } from '../util/package-info.js';
import { registerConsoleApiRoutes } from './console-api/routes.js';
import { registerAmqpRoutes } from './amqp-api/amqp-routes.js';
import { registerAuth, type UpgradeAuth } from './auth/auth-hooks.js';
import { KSQL_WS_PATH, KsqlWebSocketEndpoint } from './ksql/ksql-websocket.js';
import { registerConsoleStatic } from '../console/static-routes.js';
import { registerKsqlRoutes } from './ksql/ksql-routes.js';
import { SqlEngine } from '../sql/engine/engine.js';

export type { GatewayContext } from './context.js';

export interface BuiltGateway {
  app: FastifyInstance;
  /** Every route registered (method and fastify path), for the OpenAPI drift check. */
  routes: { method: string; url: string; hidden: boolean }[];
  context: GatewayContext;
  /** The HTTP security check for upgrade requests (WebSockets), which the routes' hooks never see. */
  upgradeAuth: UpgradeAuth;
  /** Stops background work and closes the Kafka clients (the caller closes `app`). */
  shutdown(): Promise<void>;
}

export async function buildGateway(input: GatewayOptions): Promise<BuiltGateway> {
  const options = resolveGatewayOptions(input);
  const logger = input.logger ?? silentLogger;
  const kafka = new KafkaAccess({ brokers: options.brokers, clientId: options.clientId, timeoutMs: 30_000, ...options.clientSecurity });
  const metrics = new GatewayMetrics(kafka, options, logger);
  const context: GatewayContext = {
    options,
    kafka,
    logger,
    metrics,
    consumers: new ConsumerInstances(kafka, options, logger.child({ component: 'rest-consumers' })),
    sse: new SseHub(kafka, options.sse, logger.child({ component: 'sse' })),
    schemas: options.schemasTopic === false ? null : new RegistryService(new SchemaStore(kafka, options.schemasTopic, logger.child({ component: 'schema-registry' }))),
    sql: null,
  };
  if (options.sql !== false) {
    context.sql = await SqlEngine.start({ brokers: options.brokers, security: options.clientSecurity, ...options.sql, ...(context.schemas ? { schemaRegistry: sqlSchemaRegistry(context.schemas) } : {}), log: logger.child({ component: 'sql' }) });
  }
  const app = Fastify({
    // TLS on the HTTP port when given (TLS 1.2 and 1.3 only, as the Kafka listeners).
    ...(options.tls ? { https: { minVersion: 'TLSv1.2' as const, ...options.tls } } : {}),
    logger: false,
    bodyLimit: options.maxBodyBytes,
    // Confluent's routes are case-sensitive; a trailing slash is tolerated as Jetty does.
    routerOptions: { ignoreTrailingSlash: true },
    // Errors carry our own bodies; the default JSON schema serializer would drop unknown fields.
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false, allowUnionTypes: true } },
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const routes: BuiltGateway['routes'] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, hidden: (route.schema as { hide?: boolean } | undefined)?.hide === true });
  });
  // Every API here takes JSON; fastify's text/plain parser would turn a wrong media type into a
  // validation error instead of Confluent's 415.
  app.removeContentTypeParser('text/plain');
  registerJsonParsers(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const http = toHttpError(error);
    if (http.status >= 500) logger.error('request failed', { method: request.method, url: request.url, error: error.stack ?? String(error) });
    // Schema registry clients expect its media type; everything else gets JSON.
    const type = request.url.startsWith('/v3') || request.url.startsWith('/sse') ? 'application/json' : contentTypeFor(request.url);
    return reply.code(http.status).type(type).send(http.body());
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).type(contentTypeFor(request.url)).send({ error_code: 404, message: 'HTTP 404 Not Found' }));
  metrics.instrument(app);
  // Before every route: with the broker's security on, each needs a principal and its ACLs.
  const auth = registerAuth(app, options.security, { secureCookies: options.tls !== null });
  // Python clients send booleans as True/False (confluent-kafka's `normalize=False`); Java's
  // Jersey accepts any case, so the gateway does too.
  app.addHook('preValidation', async (request) => {
    const q = request.query as Record<string, unknown> | undefined;
    if (q) for (const [k, v] of Object.entries(q)) if (typeof v === 'string' && /^(true|false)$/i.test(v)) q[k] = v.toLowerCase();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Brook HTTP gateway',
        version: packageInfo.version,
        description: 'Confluent REST Proxy v2 and v3, Server-Sent Events, a Confluent-compatible schema registry and Prometheus metrics.',
      },
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  registerHealthRoutes(app, context);
  auth.registerRoutes(app);
  registerMetricsRoutes(app, context);
  registerV2Routes(app, context);
  await app.register(async (scoped) => registerV3Routes(scoped, context));
  registerSseRoutes(app, context);
  if (context.schemas) registerRegistryRoutes(app, context, context.schemas);
  // The ksqlDB API exists only where the SQL engine runs (as the registry routes only with a registry).
  if (context.sql) registerKsqlRoutes(app, context);
  // The web console: its page at `/` and the few views and actions it needs beyond the APIs above.
  registerConsoleApiRoutes(app, context);
  registerAmqpRoutes(app, options.amqp);
  await registerConsoleStatic(app);

  const shutdown = async (): Promise<void> => {
    context.sse.close();
    await context.consumers.close();
    await context.schemas?.store.close();
    await context.sql?.close();
    metrics.close();
    await kafka.close();
  };
  return { app, routes, context, upgradeAuth: auth.upgrade, shutdown };
}

function contentTypeFor(url: string): string {
  if (/^\/(subjects|schemas|config|mode|compatibility|contexts)(\/|\?|$)/.test(url)) return 'application/vnd.schemaregistry.v1+json';
  if (/^\/(topics|consumers|brokers)(\/|\?|$)/.test(url)) return 'application/vnd.kafka.v2+json';
  return 'application/json';
}

function toHttpError(error: FastifyError): HttpError {
  if (error instanceof HttpError) return error;
  if (error.validation) return new HttpError(422, 422, error.message);
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpError(415, 415, 'HTTP 415 Unsupported Media Type');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpError(413, 413, 'Request body is larger than the gateway accepts.');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HttpError(400, 400, error.message);
  }
  if (error instanceof SyntaxError || error.statusCode === 400) return new HttpError(400, 400, `Malformed JSON: ${error.message}`);
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return new HttpError(error.statusCode, error.statusCode, error.message);
  return new HttpError(500, 500, 'Internal Server Error');
}

/** Completes an HTTP upgrade (e.g. to a WebSocket) on the gateway's port. */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A gateway listening on a port. */
export class Gateway {
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private closing: Promise<void> | null = null;
  private ksqlWebSocket: KsqlWebSocketEndpoint | null = null;

  private constructor(
    private readonly built: BuiltGateway,
    readonly host: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `${this.built.context.options.tls ? 'https' : 'http'}://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`;
  }

  get context(): GatewayContext {
    return this.built.context;
  }

  static async start(options: GatewayOptions): Promise<Gateway> {
    const built = await buildGateway(options);
    const resolved = built.context.options;
    try {
      await built.app.listen({ host: resolved.host, port: resolved.port });
    } catch (e) {
      await built.shutdown();
      await built.app.close();
      throw e;
    }
    const address = built.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : resolved.port;
    built.context.logger.info('gateway started', { listener: `${resolved.host}:${port}`, brokers: resolved.brokers.join(',') });
    built.context.schemas?.store.start();
    const gateway = new Gateway(built, resolved.host, port);
    // ksqlDB's WebSocket form of queries, beside its REST routes.
    if (built.context.sql) {
      const ws = new KsqlWebSocketEndpoint(built.context.sql, built.upgradeAuth, built.context.logger.child({ component: 'ksql-ws' }));
      gateway.ksqlWebSocket = ws;
      gateway.handleUpgrades(KSQL_WS_PATH, (request, socket, head) => ws.handleUpgrade(request, socket, head));
    }
    return gateway;
  }

  /**
   * Hands upgrade requests for `path` to `handler` (`brook start` serves MQTT over WebSocket at
   * /mqtt this way); an upgrade to any other path is answered 404 and closed.
   */
  handleUpgrades(path: string, handler: UpgradeHandler): void {
    if (this.upgrades.size === 0) {
      this.built.app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const found = this.upgrades.get((request.url ?? '').split('?')[0]!);
        if (found) found(request, socket, head);
        else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      });
    }
    this.upgrades.set(path, handler);
  }

  /** Serves renewed TLS settings (a reloaded key and certificate) to new HTTPS connections; no-op over plain HTTP. */
  reloadTls(options: SecureContextOptions): void {
    const server = this.built.app.server;
    if (this.built.context.options.tls && server instanceof TlsServer) server.setSecureContext({ minVersion: 'TLSv1.2', ...options });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      // SSE streams never end by themselves: end them first so app.close() does not wait on them.
      this.built.context.sse.close();
      this.ksqlWebSocket?.close();
      await this.built.app.close();
      await this.built.shutdown();
    })();
    return this.closing;
  }
}
