// The lifecycle every long-lived broker service shares (producer state, fetch waiters,
// group coordinator, transaction coordinator): built with the same dependencies, started
// after storage is open and before the listener accepts, closed before storage closes.
import type { LogManager } from '../storage/index.js';
import type { Logger } from '../util/logger.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { TopicService } from './topics/topic-service.js';

export interface ServiceDeps {
  nodeId: number;
  config: BrokerConfig;
  logs: LogManager;
  topics: TopicService;
  logger: Logger;
}

export interface BrokerService {
  start(): Promise<void>;
  close(): Promise<void>;
}
