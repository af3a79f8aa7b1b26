// What every route module of the gateway can reach, built once by server.ts.
import type { Logger } from '../util/logger.js';
import type { KafkaAccess } from './kafka-access.js';
import type { GatewayMetrics } from './metrics/gateway-metrics.js';
import type { ResolvedGatewayOptions } from './options.js';
import type { RegistryService } from './registry/registry-service.js';
import type { ConsumerInstances } from './rest-v2/consumer-instances.js';
import type { SseHub } from './sse/sse-hub.js';
import type { SqlEngine } from '../sql/engine/engine.js';

export interface GatewayContext {
  options: ResolvedGatewayOptions;
  kafka: KafkaAccess;
  logger: Logger;
  metrics: GatewayMetrics;
  consumers: ConsumerInstances;
  sse: SseHub;
  /** Null when the registry is turned off. */
  schemas: RegistryService | null;
  /** The ksqlDB-dialect SQL engine behind /ksql and /query-stream; null unless `sql` was given. */
  sql: SqlEngine | null;
}
