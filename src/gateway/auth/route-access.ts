// Which ACLs each gateway route needs, in Kafka's terms (the operations the same action needs over
// the Kafka protocol):
//   produce (v2, v3, records:batch)               WRITE on the topic
//   read records (console browser, SSE, v2 fetch)  READ on the topic
//   describe a topic, its partitions, configs      DESCRIBE / DESCRIBE_CONFIGS on the topic
//   create / delete a topic, delete records        CREATE (on the topic or the cluster) / DELETE on the topic
//   add partitions / change configs                ALTER / ALTER_CONFIGS on the topic
//   consumer groups: describe, lag                 DESCRIBE on the group
//   reset offsets, v2 consumer instances           READ on the group (and READ on the topic)
//   broker configs                                 DESCRIBE_CONFIGS on the cluster
//   ksqlDB statements and queries                  ALTER on the cluster (they run as the gateway)
//   AMQP management: a queue or exchange           DESCRIBE (read) / DELETE (delete, purge) on its ACL
//                                                  name, amqp:<vhost>:queue:<name> (as the AMQP listener)
// Everything else (cluster and broker lists, the overview, the schema registry, /metrics) needs an
// authenticated principal only; the console's files, the login routes and the health checks are
// open. Lists (topics, consumer groups, queues, exchanges, bindings) are filtered to what the principal may DESCRIBE, as Kafka's
// Metadata omits unauthorised topics; lists of AMQP virtual hosts to those the principal could open over
// AMQP (connection.open: some right on a resource named amqp:<vhost>:..., super users every one). A route missing from this table needs ALTER on the cluster,
// so a new route is closed until it is mapped.
import { amqpResourceName, amqpVhostPrefix, type AmqpResource } from '../../amqp/index.js';
import { Op, type OpCode, type ResourceKind } from './http-security.js';

export interface Check {
  operation: OpCode;
  resource: ResourceKind;
  name: string;
  /** Also satisfied by this operation on the cluster (Kafka's CreateTopics: CREATE on the cluster or the topic). */
  orCluster?: OpCode;
}

export type Access = { kind: 'open' } | { kind: 'authenticated' } | { kind: 'checks'; checks: Check[] };

const OPEN: Access = { kind: 'open' };
const AUTHENTICATED: Access = { kind: 'authenticated' };
const ADMIN: Access = { kind: 'checks', checks: [{ operation: Op.ALTER, resource: 'cluster', name: 'kafka-cluster' }] };

const checks = (...c: Check[]): Access => ({ kind: 'checks', checks: c });
const topic = (operation: OpCode, name: string | undefined): Check => ({ operation, resource: 'topic', name: name ?? '' });
const group = (operation: OpCode, name: string | undefined): Check => ({ operation, resource: 'group', name: name ?? '' });
const cluster = (operation: OpCode): Check => ({ operation, resource: 'cluster', name: 'kafka-cluster' });

const OPEN_PATHS = new Set(['/', '/index.html', '/health', '/healthcheck', '/ready', '/status', '/openapi.json', '/console/api/session', '/console/api/login', '/console/api/logout', '/auth/token']);

type Params = Record<string, string | undefined>;

/** What `method` on the fastify route `url` (with its params and parsed body) needs. */
export function routeAccess(method: string, url: string | undefined, params: Params, body: unknown): Access {
  if (url === undefined) return OPEN; // no route: the 404 handler answers
  const m = method === 'HEAD' ? 'GET' : method;
  if (OPEN_PATHS.has(url) || url.startsWith('/assets/')) return OPEN;
  const b = (body ?? {}) as Record<string, unknown>;

  // REST Proxy v3
  if (url.startsWith('/v3/clusters')) {
    const t = params.topic_name;
    if (url === '/v3/clusters/:cluster_id/topics') return m === 'POST' ? checks({ ...topic(Op.CREATE, String(b.topic_name ?? '')), orCluster: Op.CREATE }) : AUTHENTICATED;
    if (url.includes('/records')) return checks(topic(Op.WRITE, t));
    if (url.includes('/topics/:topic_name/configs')) return checks(topic(m === 'GET' ? Op.DESCRIBE_CONFIGS : Op.ALTER_CONFIGS, t));
    if (url.startsWith('/v3/clusters/:cluster_id/topics/:topic_name')) return checks(topic(m === 'DELETE' ? Op.DELETE : m === 'PATCH' ? Op.ALTER : Op.DESCRIBE, t));
    if (url.startsWith('/v3/clusters/:cluster_id/consumer-groups/:consumer_group_id')) return checks(group(Op.DESCRIBE, params.consumer_group_id));
    if (url.includes('configs')) return checks(cluster(Op.DESCRIBE_CONFIGS));
    return m === 'GET' ? AUTHENTICATED : ADMIN;
  }
  // REST Proxy v2
  if (url === '/topics') return AUTHENTICATED;
  if (url.startsWith('/topics/:topic')) return checks(topic(m === 'POST' ? Op.WRITE : Op.DESCRIBE, params.topic));
  if (url === '/brokers') return AUTHENTICATED;
  if (url.startsWith('/consumers/:group')) {
    const g = group(Op.READ, params.group);
    if (url.endsWith('/subscription') && m === 'POST') {
      // A pattern may match any topic: it needs READ on all of them (an ACL on the wildcard resource).
      if (b.topic_pattern !== undefined) return checks(g, topic(Op.READ, '*'));
      return checks(g, ...(Array.isArray(b.topics) ? b.topics : []).map((x) => topic(Op.READ, String(x))));
    }
    if (url.endsWith('/assignments') && m === 'POST') {
      const parts = Array.isArray(b.partitions) ? (b.partitions as { topic?: unknown }[]) : [];
      return checks(g, ...[...new Set(parts.map((p) => String(p.topic ?? '')))].map((x) => topic(Op.READ, x)));
    }
    return checks(g);
  }
  // Server-Sent Events
  if (url === '/sse/topics/:topic') return checks(topic(Op.READ, params.topic));
  // The console's own routes
  if (url.startsWith('/console/api/topics/:topic')) {
    if (url.endsWith('/records')) return checks(topic(Op.READ, params.topic));
    if (url.endsWith('/delete-records')) return checks(topic(Op.DELETE, params.topic));
    return checks(topic(Op.DESCRIBE, params.topic));
  }
  if (url === '/console/api/groups/:group/reset-offsets') return checks(group(Op.READ, params.group), topic(Op.READ, String(b.topic ?? '')));
  if (url.startsWith('/console/api/')) return AUTHENTICATED;
  // AMQP management (RabbitMQ-style): one queue or exchange needs the right the AMQP listener would.
  if (url.startsWith('/api/')) {
    const kind: AmqpResource | null = url.startsWith('/api/queues/:vhost/:name') ? 'queue' : url.startsWith('/api/exchanges/:vhost/:name') ? 'exchange' : null;
    if (kind) return checks(topic(m === 'GET' ? Op.DESCRIBE : Op.DELETE, amqpResourceName(params.vhost ?? '', kind, params.name ?? '')));
    return m === 'GET' ? AUTHENTICATED : ADMIN;
  }
  // ksqlDB: statements and queries run as the gateway's own client, so only administrators.
  if (url === '/ksql' || url === '/query' || url === '/query-stream' || url === '/ws/query') return ADMIN;
  if (url === '/info' || url === '/metrics') return AUTHENTICATED;
  // Schema registry (as Confluent's without its security plugin: any authenticated user).
  if (/^\/(subjects|schemas|config|mode|compatibility|contexts)(\/|$)/.test(url)) return AUTHENTICATED;
  return ADMIN;
}

/** What an item of a filtered list needs: DESCRIBE on a resource, or (an AMQP vhost) some right within a namespace. */
export type ItemAccess = { resource: ResourceKind; name: string } | { within: string };

export interface ListFilter {
  /** The list inside the payload (null: not a list, left alone). */
  pick: (payload: unknown) => unknown[] | null;
  access: (item: unknown) => ItemAccess;
  rebuild: (payload: unknown, kept: unknown[]) => unknown;
}

/** Lists filtered to what the principal may see: which list a route answers, and what each item needs. */
export function listFilter(url: string | undefined): ListFilter | null {
  const named = (resource: ResourceKind, name: (item: unknown) => string) => (item: unknown): ItemAccess => ({ resource, name: name(item) });
  const vhost = (name: unknown): ItemAccess => ({ within: amqpVhostPrefix(String(name)) });
  const field = (key: string) => (item: unknown) => String((item as Record<string, unknown>)[key] ?? '');
  const dataList = (payload: unknown): unknown[] | null => (payload && Array.isArray((payload as { data?: unknown }).data) ? (payload as { data: unknown[] }).data : null);
  const withData = (payload: unknown, kept: unknown[]): unknown => ({ ...(payload as object), data: kept });
  switch (url) {
    case '/v3/clusters/:cluster_id/topics':
      return { pick: dataList, access: named('topic', field('topic_name')), rebuild: withData };
    case '/v3/clusters/:cluster_id/consumer-groups':
      return { pick: dataList, access: named('group', field('consumer_group_id')), rebuild: withData };
    case '/topics':
      return { pick: plainList, access: named('topic', String), rebuild: (_p, kept) => kept };
    case '/console/api/topics':
      return {
        pick: (p) => (p && Array.isArray((p as { topics?: unknown }).topics) ? (p as { topics: unknown[] }).topics : null),
        access: named('topic', field('name')),
        rebuild: (p, kept) => ({ ...(p as object), topics: kept }),
      };
    case '/api/vhosts':
      return { pick: plainList, access: (v) => vhost((v as { name?: unknown }).name), rebuild: (_p, kept) => kept };
    case '/console/api/amqp':
      return {
        pick: (p) => (p && Array.isArray((p as { vhosts?: unknown }).vhosts) ? (p as { vhosts: unknown[] }).vhosts : null),
        access: vhost,
        rebuild: (p, kept) => ({ ...(p as object), vhosts: kept }),
      };
    case '/api/queues':
    case '/api/queues/:vhost':
      return { pick: plainList, access: named('topic', (q) => amqpName(q, 'queue', 'name')), rebuild: (_p, kept) => kept };
    case '/api/exchanges':
    case '/api/exchanges/:vhost':
      return { pick: plainList, access: named('topic', (x) => amqpName(x, 'exchange', 'name')), rebuild: (_p, kept) => kept };
    case '/api/bindings':
    case '/api/bindings/:vhost':
    case '/api/queues/:vhost/:name/bindings':
      // A binding is shown to whoever may describe where it leads.
      return { pick: plainList, access: named('topic', (b) => amqpName(b, (b as { destination_type?: string }).destination_type === 'exchange' ? 'exchange' : 'queue', 'destination')), rebuild: (_p, kept) => kept };
    default:
      return null;
  }
}

function plainList(payload: unknown): unknown[] | null {
  return Array.isArray(payload) ? payload : null;
}

/** The ACL name of a management API item ({ vhost, <key>: name }). */
function amqpName(item: unknown, kind: AmqpResource, key: string): string {
  const o = item as Record<string, unknown>;
  return amqpResourceName(String(o.vhost ?? ''), kind, String(o[key] ?? ''));
}
