// Authentication and authorisation of the HTTP server, when the broker's security is on
// (HttpSecurity.required): every route but the console's files, the login routes and the health
// checks needs a principal, from
//   Authorization: Basic <user:password>   the broker's users (brook user create), checked as the
//                                          AMQP and MQTT listeners check them
//   Authorization: Bearer <token>          a token from POST /auth/token
//   Cookie: brook_session=<token>          the console's login (POST /console/api/login)
// and then the ACLs route-access.ts names for the route. No credentials or wrong ones: 401 with
// WWW-Authenticate and a JSON body (error_code 40101, as kafka-rest); not allowed: 403 with
// error_code 40301 (topic), 40302 (group) or 40303 (cluster). Without security the gateway stays
// open, as before, and these routes say authentication is off.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Op, type HttpSecurity, type ResourceKind } from './http-security.js';
import { listFilter, routeAccess, type Check } from './route-access.js';
import { SESSION_COOKIE, Sessions, cookieValue } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated principal ("User:alice"); null when none (or when security is off). */
    principal: string | null;
  }
}

const DENIED_CODE: Record<ResourceKind, number> = { topic: 40301, group: 40302, cluster: 40303 };
const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 1_000;

function deniedMessage(c: Check): string {
  if (c.resource === 'topic') return `Not authorized to access topics: [${c.name}]`;
  if (c.resource === 'group') return `Not authorized to access group: ${c.name}`;
  return 'Cluster authorization failed.';
}

function unauthorized(reply: FastifyReply, message: string): FastifyReply {
  // Only the API's clients are asked for Basic credentials; a browser's own prompt would bypass the console's login form.
  return reply
    .code(401)
    .header('www-authenticate', 'Basic realm="Brook", charset="UTF-8"')
    .type('application/json')
    .send({ error_code: 40101, message });
}

/** Slows password guessing as the Kafka listeners do (connection.failed.authentication.delay.ms). */
async function failedDelay(security: HttpSecurity): Promise<void> {
  const ms = security.failedAuthenticationDelayMs ?? 0;
  if (ms > 0) await sleep(ms);
}

function decodeBasic(header: string): { user: string; password: string } | null {
  const text = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon < 0 ? null : { user: text.slice(0, colon), password: text.slice(colon + 1) };
}

/**
 * The decision on an HTTP upgrade (a WebSocket) to `path`, which fastify's hooks never see: the
 * same credentials and ACLs as the route of that path; a refusal is the HTTP answer to write.
 */
export type UpgradeAuth = (request: IncomingMessage, path: string) => Promise<{ ok: true; principal: string | null } | { ok: false; status: number; headers: Record<string, string>; body: string }>;

/**
 * Adds the hooks (call before any route is registered) and returns the function that registers the
 * login, logout, session and token routes (call after the OpenAPI plugin, so they are documented),
 * and the check for upgrade requests.
 */
export function registerAuth(app: FastifyInstance, security: HttpSecurity | null, options: { secureCookies: boolean }): { registerRoutes: (routes: FastifyInstance) => void; upgrade: UpgradeAuth } {
  const sessions = new Sessions();
  // Verifying a SCRAM password costs thousands of hash rounds: a good Basic header is remembered briefly.
  const basicCache = new Map<string, { principal: string; until: number }>();
  const cookie = (token: string, maxAgeS: number): string => `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${options.secureCookies ? '; Secure' : ''}`;

  const checkBasic = async (request: { ip: string }, header: string): Promise<string | null> => {
    const key = createHash('sha256').update(header).digest('base64');
    const hit = basicCache.get(key);
    if (hit && hit.until > Date.now()) return hit.principal;
    const creds = decodeBasic(header);
    if (!creds || !security) return null;
    const principal = await security.authenticatePassword(creds.user, creds.password, { protocol: 'HTTP', client: request.ip });
    if (principal) {
      if (basicCache.size >= BASIC_CACHE_MAX) basicCache.clear();
      basicCache.set(key, { principal, until: Date.now() + BASIC_CACHE_MS });
    } else await failedDelay(security);
    return principal;
  };

  const principalOf = async (headers: IncomingMessage['headers'], ip: string): Promise<string | null> => {
    const header = headers.authorization;
    if (header !== undefined && /^basic /i.test(header)) return checkBasic({ ip }, header);
    if (header !== undefined && /^bearer /i.test(header)) return sessions.principal(header.slice(7).trim());
    const token = cookieValue(headers.cookie, SESSION_COOKIE);
    return token ? sessions.principal(token) : null;
  };

  const upgrade: UpgradeAuth = async (request, path) => {
    if (!security?.required) return { ok: true, principal: null };
    const ip = request.socket.remoteAddress ?? '';
    const principal = await principalOf(request.headers, ip);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ ok: false as const, status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    if (!principal) {
      const message = request.headers.authorization === undefined ? 'Authentication required.' : 'Authentication failed: invalid credentials.';
      return json(401, { error_code: 40101, message }, { 'www-authenticate': 'Basic realm="Brook", charset="UTF-8"' });
    }
    const access = routeAccess('GET', path, {}, undefined);
    if (access.kind === 'checks') {
      for (const c of access.checks) {
        const asked = { principal, operation: c.operation, resource: c.resource, name: c.name, host: ip };
        if (security.allows(asked)) continue;
        if (c.orCluster !== undefined && security.allows({ ...asked, operation: c.orCluster, resource: 'cluster', name: 'kafka-cluster' })) continue;
        security.denied({ ...asked, route: `GET ${path}` });
        return json(403, { error_code: DENIED_CODE[c.resource], message: deniedMessage(c) });
      }
    }
    return { ok: true, principal };
  };

  app.decorateRequest('principal', null);

  if (security?.required) {
    app.addHook('onRequest', async (request, reply) => {
      const access = routeAccess(request.method, request.routeOptions.url, request.params as Record<string, string>, undefined);
      const header = request.headers.authorization;
      request.principal = await principalOf(request.headers, request.ip);
      if (access.kind === 'open' || request.principal) return;
      return unauthorized(reply, header === undefined ? 'Authentication required.' : 'Authentication failed: invalid credentials.');
    });
    app.addHook('preHandler', async (request, reply) => {
      const access = routeAccess(request.method, request.routeOptions.url, request.params as Record<string, string>, request.body);
      if (access.kind !== 'checks' || !request.principal) return;
      for (const c of access.checks) {
        const asked = { principal: request.principal, operation: c.operation, resource: c.resource, name: c.name, host: request.ip };
        if (security.allows(asked)) continue;
        if (c.orCluster !== undefined && security.allows({ ...asked, operation: c.orCluster, resource: 'cluster', name: 'kafka-cluster' })) continue;
        security.denied({ ...asked, route: `${request.method} ${request.routeOptions.url ?? request.url}` });
        return reply.code(403).type('application/json').send({ error_code: DENIED_CODE[c.resource], message: deniedMessage(c) });
      }
    });
    // Lists show only what the principal may describe (Kafka's Metadata omits unauthorised topics).
    app.addHook('preSerialization', async (request, reply, payload: unknown) => {
      const filter = reply.statusCode === 200 ? listFilter(request.routeOptions.url) : null;
      const items = filter?.pick(payload);
      if (!filter || !items || !request.principal) return payload;
      const principal = request.principal;
      const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
      return filter.rebuild(
        payload,
        items.filter((i) => {
          const access = filter.access(i);
          if ('within' in access) {
            // An AMQP vhost: shown to whoever could open it (some right on a resource inside it).
            if (security.allowsWithin({ principal, prefix: access.within, host: request.ip })) return true;
            security.filtered?.({ principal, operation: Op.DESCRIBE, resource: 'topic', name: `${access.within}*`, host: request.ip, route });
            return false;
          }
          const asked = { principal, operation: Op.DESCRIBE, resource: access.resource, name: access.name, host: request.ip };
          if (security.allows(asked)) return true;
          security.filtered?.({ ...asked, route });
          return false;
        }),
      );
    });
  }

  return { registerRoutes: (app) => registerAuthRoutes(app, security, sessions, checkBasic, cookie), upgrade };
}

function registerAuthRoutes(
  app: FastifyInstance,
  security: HttpSecurity | null,
  sessions: Sessions,
  checkBasic: (request: { ip: string }, header: string) => Promise<string | null>,
  cookie: (token: string, maxAgeS: number) => string,
): void {
  const tags = ['authentication'];
  const loginBody = {
    type: 'object',
    properties: { username: { type: 'string', minLength: 1, maxLength: 256 }, password: { type: 'string', maxLength: 1024 } },
    required: ['username', 'password'],
  } as const;
  const anyObject = { type: 'object', additionalProperties: true } as const;
  const errorBody = { type: 'object', properties: { error_code: { type: 'integer' }, message: { type: 'string' } } } as const;

  app.get('/console/api/session', { schema: { tags, summary: 'Whether authentication is on, and who is logged in', response: { 200: anyObject } } }, async (request) => ({
    authRequired: security?.required ?? false,
    principal: request.principal,
  }));
  app.post<{ Body: { username: string; password: string } }>(
    '/console/api/login',
    { schema: { tags, summary: "Log in with a broker user's password; sets an HttpOnly session cookie", body: loginBody, response: { 200: anyObject, 401: errorBody, 404: errorBody } } },
    async (request, reply) => {
      if (!security?.required) return reply.code(404).send({ error_code: 404, message: 'Authentication is off on this server.' });
      const principal = await security.authenticatePassword(request.body.username, request.body.password, { protocol: 'HTTP', client: request.ip });
      if (!principal) await failedDelay(security);
      if (!principal) return reply.code(401).type('application/json').send({ error_code: 40101, message: 'Authentication failed: invalid user name or password.' });
      const token = sessions.create(principal);
      return reply.header('set-cookie', cookie(token, Math.floor(sessions.idleMs / 1000))).send({ principal });
    },
  );
  app.post('/console/api/logout', { schema: { tags, summary: 'End the session', response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const token = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (token) sessions.end(token);
    return reply.code(204).header('set-cookie', cookie('', 0)).send();
  });
  app.post(
    '/auth/token',
    { schema: { tags, summary: 'A bearer token for API clients, for HTTP Basic credentials', response: { 200: anyObject, 401: errorBody, 404: errorBody } } },
    async (request, reply) => {
      if (!security?.required) return reply.code(404).send({ error_code: 404, message: 'Authentication is off on this server.' });
      const header = request.headers.authorization;
      const principal = header !== undefined && /^basic /i.test(header) ? await checkBasic(request, header) : null;
      if (!principal) return unauthorized(reply, 'Authentication failed: send a broker user\'s name and password as HTTP Basic credentials.');
      return { access_token: sessions.create(principal), token_type: 'Bearer', expires_in: Math.floor(sessions.idleMs / 1000) };
    },
  );
}

