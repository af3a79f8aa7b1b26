// The classic consumer-group coordinator and committed offsets. (Being built: see issue #5.)
import type { BrokerService, ServiceDeps } from '../service.js';

export class GroupCoordinator implements BrokerService {
  constructor(readonly deps: ServiceDeps) {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
