// Queues, exchanges and bindings of the in-process AMQP front door, in the shape of RabbitMQ's
// management HTTP API (rabbitmq_management's /api/..., the field names its users' scripts and
// tools read):
//   GET    /api/vhosts
//   GET    /api/queues[/{vhost}[/{name}]]        messages, messages_ready, messages_unacknowledged,
//                                                consumers, message_stats.{publish,deliver_get,ack}
//                                                with *_details.rate per second
//   GET    /api/queues/{vhost}/{name}/bindings
//   DELETE /api/queues/{vhost}/{name}            ?if-unused=true&if-empty=true
//   DELETE /api/queues/{vhost}/{name}/contents   purge
//   GET    /api/exchanges[/{vhost}[/{name}]]
//   GET    /api/bindings[/{vhost}]
// Vhost names are path segments, "/" written %2F as RabbitMQ's API has it. Errors are RabbitMQ's
// `{"error": ..., "reason": ...}`. Registered only where an AMQP listener runs in this process
// (as the ksqlDB routes only with the SQL engine); GET /console/api/amqp always answers whether
// it does, for the console's page.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AmqpBindingState, AmqpExchangeState, AmqpManagement, AmqpQueueState } from './amqp-source.js';
import { MessageRates } from './message-rates.js';

const anyObject = { type: 'object', additionalProperties: true } as const;
const anyList = { type: 'array', items: anyObject } as const;
const rabbitError = { type: 'object', properties: { error: { type: 'string' }, reason: { type: 'string' } }, required: ['error', 'reason'] } as const;
const vhostParams = { type: 'object', properties: { vhost: { type: 'string', minLength: 1, maxLength: 255 } }, required: ['vhost'] } as const;
const namedParams = {
  type: 'object',
  properties: { vhost: { type: 'string', minLength: 1, maxLength: 255 }, name: { type: 'string', maxLength: 255 } },
  required: ['vhost', 'name'],
} as const;

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: 'Object Not Found', reason: 'Not Found' });
}

/** RabbitMQ's binding identity within (source, destination): the routing key, and a hash of the arguments when there are any. */
function propertiesKey(b: AmqpBindingState): string {
  const key = b.routingKey === '' ? '~' : b.routingKey;
  if (Object.keys(b.arguments).length === 0) return key;
  return `${b.routingKey}~${createHash('sha256').update(JSON.stringify(b.arguments)).digest('base64url').slice(0, 22)}`;
}

function bindingBody(b: AmqpBindingState): Record<string, unknown> {
  return {
    source: b.source,
    vhost: b.vhost,
    destination: b.destination,
    destination_type: b.destinationType,
    routing_key: b.routingKey,
    arguments: b.arguments,
    properties_key: propertiesKey(b),
  };
}

function exchangeBody(x: AmqpExchangeState): Record<string, unknown> {
  return { name: x.name, vhost: x.vhost, type: x.type, durable: x.durable, auto_delete: x.autoDelete, internal: x.internal, arguments: x.arguments };
}

export function registerAmqpRoutes(app: FastifyInstance, amqp: AmqpManagement | null): void {
  app.get(
    '/console/api/amqp',
    { schema: { tags: ['console'], summary: 'Whether an AMQP listener runs in this process, and its virtual hosts', response: { 200: anyObject } } },
    async () => ({ available: amqp !== null, vhosts: amqp?.vhosts() ?? [] }),
  );
  if (!amqp) return;
  const tags = ['AMQP management (RabbitMQ-compatible)'];
  const rates = new MessageRates();

  const queueBody = (q: AmqpQueueState): Record<string, unknown> => {
    const [publish, deliver, ack] = rates.rates(`${q.vhost}\u0000${q.name}`, [q.published, q.delivered, q.acked]);
    return {
      name: q.name,
      vhost: q.vhost,
      type: q.type,
      durable: q.durable,
      auto_delete: q.autoDelete,
      exclusive: q.exclusive,
      arguments: q.arguments,
      state: 'running',
      messages: q.ready + q.unacked,
      messages_ready: q.ready,
      messages_unacknowledged: q.unacked,
      consumers: q.consumers,
      message_stats: {
        publish: q.published,
        publish_details: { rate: publish },
        deliver_get: q.delivered,
        deliver_get_details: { rate: deliver },
        ack: q.acked,
        ack_details: { rate: ack },
      },
    };
  };
  const byName = <T extends { vhost: string; name: string }>(a: T, b: T): number => a.vhost.localeCompare(b.vhost) || a.name.localeCompare(b.name);

  app.get('/api/vhosts', { schema: { tags, summary: 'Virtual hosts', response: { 200: anyList } } }, async () => amqp.vhosts().map((name) => ({ name })));

  app.get('/api/queues', { schema: { tags, summary: 'Every queue', response: { 200: anyList } } }, async () => amqp.queues().sort(byName).map(queueBody));
  app.get<{ Params: { vhost: string } }>(
    '/api/queues/:vhost',
    { schema: { tags, summary: "A virtual host's queues", params: vhostParams, response: { 200: anyList, 404: rabbitError } } },
    async (request, reply) => {
      if (!amqp.vhosts().includes(request.params.vhost)) return notFound(reply);
      return amqp
        .queues()
        .filter((q) => q.vhost === request.params.vhost)
        .sort(byName)
        .map(queueBody);
    },
  );
  app.get<{ Params: { vhost: string; name: string } }>(
    '/api/queues/:vhost/:name',
    { schema: { tags, summary: 'One queue', params: namedParams, response: { 200: anyObject, 404: rabbitError } } },
    async (request, reply) => {
      const q = amqp.queue(request.params.vhost, request.params.name);
      return q ? queueBody(q) : notFound(reply);
    },
  );
  app.get<{ Params: { vhost: string; name: string } }>(
    '/api/queues/:vhost/:name/bindings',
    { schema: { tags, summary: "A queue's bindings (its default-exchange binding first)", params: namedParams, response: { 200: anyList, 404: rabbitError } } },
    async (request, reply) => {
      const { vhost, name } = request.params;
      if (!amqp.queue(vhost, name)) return notFound(reply);
      return amqp
        .bindings()
        .filter((b) => b.vhost === vhost && b.destinationType === 'queue' && b.destination === name)
        .map(bindingBody);
    },
  );
  app.delete<{ Params: { vhost: string; name: string }; Querystring: { 'if-unused'?: boolean; 'if-empty'?: boolean } }>(
    '/api/queues/:vhost/:name',
    {
      schema: {
        tags,
        summary: 'Delete a queue (its consumers are cancelled)',
        params: namedParams,
        querystring: { type: 'object', properties: { 'if-unused': { type: 'boolean' }, 'if-empty': { type: 'boolean' } } },
        response: { 204: { type: 'null' }, 400: rabbitError, 404: rabbitError },
      },
    },
    async (request, reply) => {
      const { vhost, name } = request.params;
      const outcome = await amqp.deleteQueue(vhost, name, { ifUnused: request.query['if-unused'] === true, ifEmpty: request.query['if-empty'] === true });
      if (outcome === 'missing') return notFound(reply);
      if (outcome !== 'deleted') return reply.code(400).send({ error: 'bad_request', reason: `queue '${name}' in vhost '${vhost}' ${outcome === 'in-use' ? 'in use' : 'not empty'}` });
      rates.forget(`${vhost}\u0000${name}`);
      return reply.code(204).send();
    },
  );
  app.delete<{ Params: { vhost: string; name: string } }>(
    '/api/queues/:vhost/:name/contents',
    { schema: { tags, summary: "Purge a queue's ready messages", params: namedParams, response: { 204: { type: 'null' }, 404: rabbitError } } },
    async (request, reply) => {
      const purged = await amqp.purge(request.params.vhost, request.params.name);
      return purged === null ? notFound(reply) : reply.code(204).send();
    },
  );

  app.get('/api/exchanges', { schema: { tags, summary: 'Every exchange', response: { 200: anyList } } }, async () => amqp.exchanges().sort(byName).map(exchangeBody));
  app.get<{ Params: { vhost: string } }>(
    '/api/exchanges/:vhost',
    { schema: { tags, summary: "A virtual host's exchanges", params: vhostParams, response: { 200: anyList, 404: rabbitError } } },
    async (request, reply) => {
      if (!amqp.vhosts().includes(request.params.vhost)) return notFound(reply);
      return amqp
        .exchanges()
        .filter((x) => x.vhost === request.params.vhost)
        .sort(byName)
        .map(exchangeBody);
    },
  );
  app.get<{ Params: { vhost: string; name: string } }>(
    '/api/exchanges/:vhost/:name',
    { schema: { tags, summary: 'One exchange', params: namedParams, response: { 200: anyObject, 404: rabbitError } } },
    async (request, reply) => {
      // The default exchange (named "") is "amq.default" in RabbitMQ's API paths.
      const name = request.params.name === 'amq.default' ? '' : request.params.name;
      const x = amqp.exchanges().find((e) => e.vhost === request.params.vhost && e.name === name);
      return x ? exchangeBody(x) : notFound(reply);
    },
  );

  app.get('/api/bindings', { schema: { tags, summary: 'Every binding', response: { 200: anyList } } }, async () => amqp.bindings().map(bindingBody));
  app.get<{ Params: { vhost: string } }>(
    '/api/bindings/:vhost',
    { schema: { tags, summary: "A virtual host's bindings", params: vhostParams, response: { 200: anyList, 404: rabbitError } } },
    async (request, reply) => {
      if (!amqp.vhosts().includes(request.params.vhost)) return notFound(reply);
      return amqp
        .bindings()
        .filter((b) => b.vhost === request.params.vhost)
        .map(bindingBody);
    },
  );
}
