// GET /metrics: Prometheus text exposition (version 0.0.4) of the gateway's and, inside
// `brook start`, the broker's metrics.
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';

export function registerMetricsRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  ctx.metrics.gauges = {
    sseSubscribers: () => ctx.sse.subscriberCount,
    sseDropped: () => ctx.sse.dropped,
    consumerInstances: () => ctx.consumers.count,
  };
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['metrics'],
        summary: 'Prometheus metrics (text format 0.0.4)',
        response: { 200: { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    async (_request, reply) => reply.code(200).type(ctx.metrics.contentType).send(await ctx.metrics.render()),
  );
}
