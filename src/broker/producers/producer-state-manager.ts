// Idempotent-producer state: producer ids, epochs and per-partition sequence windows.
// (Being built: see issue #4.)
import type { BrokerService, ServiceDeps } from '../service.js';

export class ProducerStateManager implements BrokerService {
  constructor(readonly deps: ServiceDeps) {}
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}
