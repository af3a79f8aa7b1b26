// Long-poll support for Fetch: requests parked on partitions, woken by their appends.
// (Being built: see issue #4.)
import type { BrokerService, ServiceDeps } from '../service.js';

export class FetchWaiters implements BrokerService {
  constructor(readonly deps: ServiceDeps) {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
