// A fast reachability check before a command does real work. The library retries a failed
// connection several times with a one-second delay, which is right for long-running clients but
// makes a mistyped --brokers hang for seconds; one attempt with no retries answers at once.
import { Admin } from '@platformatic/kafka';
import { ClientFacingError, isNetworkError } from './errors.js';
import type { ClientOptions } from './options.js';

/** Resolves when some bootstrap broker answers Metadata; otherwise throws a ClientFacingError. */
export async function checkBrokersReachable(options: ClientOptions): Promise<void> {
  const admin = new Admin({ clientId: options.clientId, bootstrapBrokers: options.brokers, retries: false, timeout: options.timeoutMs ?? 5000 });
  try {
    await admin.metadata({ topics: [] });
  } catch (e) {
    if (isNetworkError(e)) throw new ClientFacingError(`Broker unreachable at ${options.brokers.join(', ')}.`);
    throw e;
  } finally {
    await admin.close().catch(() => undefined);
  }
}
