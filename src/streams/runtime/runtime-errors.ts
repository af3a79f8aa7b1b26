// Turns what the Kafka client throws into the streams error catalog, so an application sees one
// clear message (and a stable code) for a lost broker instead of a client library's internals.

import { StreamsError } from '../errors.js';

const networkErrorNames = new Set(['NetworkError', 'TimeoutError']);

function isNetworkFailure(e: unknown, depth = 0): boolean {
  if (!(e instanceof Error) || depth > 4) return false;
  if (networkErrorNames.has(e.name) || /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|socket|Connection closed/i.test(e.message)) return true;
  if (e instanceof AggregateError && e.errors.some((x) => isNetworkFailure(x, depth + 1))) return true;
  return isNetworkFailure(e.cause, depth + 1);
}

export function toStreamsError(e: unknown, brokers: readonly string[], doing: string): StreamsError {
  if (e instanceof StreamsError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  if (isNetworkFailure(e)) {
    return new StreamsError('BROKER_UNAVAILABLE', `lost the brokers (${brokers.join(',')}) while ${doing}: ${detail}`, { cause: e });
  }
  return new StreamsError('TASK_FAILED', `${doing} failed: ${detail}`, { cause: e });
}
