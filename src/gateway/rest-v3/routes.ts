// REST Proxy v3 (`/v3/...`): plain `application/json` in and out, errors `{ error_code, message }`
// with the HTTP status (or rest-utils' five-digit Kafka codes) as error_code.
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { registerClusterRoutes } from './cluster-routes.js';
import { registerGroupRoutes } from './group-routes.js';
import { registerRecordRoutes } from './records-routes.js';
import { registerTopicRoutes } from './topic-routes.js';

export function registerV3Routes(app: FastifyInstance, ctx: GatewayContext): void {
  registerClusterRoutes(app, ctx);
  registerTopicRoutes(app, ctx);
  registerRecordRoutes(app, ctx);
  registerGroupRoutes(app, ctx);
}
