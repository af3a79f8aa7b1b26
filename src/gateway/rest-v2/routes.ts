// REST Proxy v2: topics, produce, brokers and consumer instances, with kafka-rest's media types
// and error codes.
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { registerV2ConsumerRoutes } from './consumer-routes.js';
import { registerV2TopicRoutes } from './topic-routes.js';

export function registerV2Routes(app: FastifyInstance, ctx: GatewayContext): void {
  registerV2TopicRoutes(app, ctx);
  registerV2ConsumerRoutes(app, ctx);
}
