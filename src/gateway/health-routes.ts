// Liveness and readiness, as orchestrators probe them: /health answers while the process serves
// HTTP at all; /ready only when the cluster answers Metadata and the schema registry has read
// `_schemas` to its end (before that, a lookup could miss a schema that exists).
import type { FastifyInstance } from 'fastify';
import { describeCluster } from '../client/index.js';
import type { GatewayContext } from './context.js';

const status = {
  type: 'object',
  properties: { status: { type: 'string', enum: ['UP', 'DOWN'] }, checks: { type: 'object', additionalProperties: { type: 'string' } } },
  required: ['status'],
} as const;

export function registerHealthRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  app.get('/health', { schema: { tags: ['health'], summary: 'Liveness: the gateway process serves HTTP', response: { 200: status } } }, async () => ({ status: 'UP' }));
  app.get(
    '/ready',
    { schema: { tags: ['health'], summary: 'Readiness: the cluster answers and the schema registry is loaded', response: { 200: status, 503: status } } },
    async (_request, reply) => {
      const checks: Record<string, string> = {};
      let up = true;
      try {
        await withTimeout(describeCluster(ctx.kafka.admin), 5000);
        checks.kafka = 'UP';
      } catch (e) {
        up = false;
        checks.kafka = `DOWN: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (ctx.schemas) {
        const ready = ctx.schemas.store.isReady();
        checks.schemaRegistry = ready ? 'UP' : 'LOADING';
        up &&= ready;
      }
      return reply.code(up ? 200 : 503).send({ status: up ? 'UP' : 'DOWN', checks });
    },
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
