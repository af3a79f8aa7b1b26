// The web console's own routes (/console/api/...): views the console needs in one request that
// the REST v2/v3 APIs would need many for, and the few actions they lack. Everything else the
// console does goes through the gateway's public routes (v3 topics, configs, records and groups,
// SSE, the schema registry).
import type { FastifyInstance } from 'fastify';
import type { GatewayContext } from '../context.js';
import { registerGroupActionRoutes } from './group-routes.js';
import { registerOverviewRoutes } from './overview-routes.js';
import { registerRecordRoutes } from './record-routes.js';
import { registerTopicSummaryRoutes } from './topic-summary-routes.js';

export function registerConsoleApiRoutes(app: FastifyInstance, ctx: GatewayContext): void {
  registerOverviewRoutes(app, ctx);
  registerTopicSummaryRoutes(app, ctx);
  registerRecordRoutes(app, ctx);
  registerGroupActionRoutes(app, ctx);
}
