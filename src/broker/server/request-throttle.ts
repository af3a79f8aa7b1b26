// Where the connection meets client quotas (security/client-quotas.ts): what each request costs and how
// its response says it is throttled (KIP-219). Costs, as Kafka records them:
//   Produce   the request's size, against producer_byte_rate (KafkaApis records request.sizeInBytes);
//   Fetch     the response's size, against consumer_byte_rate;
//   every API the event loop's time decoding, handling (the synchronous part) and encoding it, against
//             request_percentage (Kafka: its network and request-handler threads' time), except the ones
//             a client needs before it can be throttled at all (ApiVersions, SaslHandshake, SaslAuthenticate).
// The throttle time goes into the response's throttle_time_ms (the larger of the handler's own and the
// quotas'), and the connection then reads nothing from the client for that long. A throttled Fetch is
// answered EMPTY (no data, only throttle_time_ms) and its bytes are not counted, as KafkaApis does.
import { responseHeaderVersion } from '../../protocol/messages/index.js';
import { responseHeaderSize, type RequestHeader } from '../../protocol/headers.js';
import type { ClientQuotas } from '../security/client-quotas.js';
import type { FetchResponse } from '../../protocol/messages/fetch.js';

const PRODUCE = 0;
const FETCH = 1;
const EXEMPT: ReadonlySet<number> = new Set([17, 18, 36]);

/** The quota user of a principal: its name without the type ("User:alice" -> "alice"). */
export function quotaUser(principal: string): string {
  const colon = principal.indexOf(':');
  return colon < 0 ? principal : principal.slice(colon + 1);
}

/** Records a request's own costs (Produce bytes, handling time); the throttle time in ms, 0 within quota. */
export function requestThrottleMs(quotas: ClientQuotas, principal: string, header: RequestHeader, requestBytes: number, handlerNanos: number, now: number): number {
  if (EXEMPT.has(header.apiKey)) return 0;
  const user = quotaUser(principal);
  const clientId = header.clientId ?? '';
  let ms = quotas.record(user, clientId, 'request_percentage', handlerNanos, now);
  if (header.apiKey === PRODUCE) ms = Math.max(ms, quotas.record(user, clientId, 'producer_byte_rate', requestBytes, now));
  return ms;
}

/** Records the time spent answering a request (encoding its response) against request_percentage, without throttling. */
export function recordResponseTime(quotas: ClientQuotas, principal: string, header: RequestHeader, nanos: number, now: number): void {
  if (EXEMPT.has(header.apiKey)) return;
  quotas.recordNoThrottle(quotaUser(principal), header.clientId ?? '', 'request_percentage', nanos, now);
}

/** Records a Fetch response's size; the throttle time in ms, 0 within quota or for other APIs. */
export function responseThrottleMs(quotas: ClientQuotas, principal: string, header: RequestHeader, responseBytes: number, now: number): number {
  if (header.apiKey !== FETCH) return 0;
  return quotas.record(quotaUser(principal), header.clientId ?? '', 'consumer_byte_rate', responseBytes, now);
}

/**
 * Whether a Fetch answer must be replaced by an empty throttled one, as KafkaApis does (KIP-219): when
 * the fetch or the request quota is violated, the bytes are taken back from consumer_byte_rate and the
 * client gets no data, only throttle_time_ms. Returns the empty response, or null to send the data.
 */
export function throttledFetch(quotas: ClientQuotas, principal: string, header: RequestHeader, responseBytes: number, throttleMs: number, now: number): FetchResponse | null {
  if (header.apiKey !== FETCH || throttleMs <= 0) return null;
  quotas.unrecord(quotaUser(principal), header.clientId ?? '', 'consumer_byte_rate', responseBytes, now);
  // Brook keeps no fetch sessions, so the session id is always 0 (Kafka's INVALID_SESSION_ID).
  return { throttleTimeMs: Math.min(throttleMs, 0x7fffffff), errorCode: 0, sessionId: 0, responses: [], nodeEndpoints: [] };
}

/** Raises a decoded response's throttleTimeMs to `ms` (responses without the field are left alone). */
export function raiseThrottleField(result: unknown, ms: number): void {
  if (ms <= 0 || typeof result !== 'object' || result === null) return;
  const r = result as { throttleTimeMs?: unknown };
  if (typeof r.throttleTimeMs !== 'number' && r.throttleTimeMs !== undefined) return;
  try {
    r.throttleTimeMs = Math.max(ms, typeof r.throttleTimeMs === 'number' ? r.throttleTimeMs : 0);
  } catch {
    // A frozen shared answer: it goes out unthrottled in its field; the connection still mutes.
  }
}

/**
 * Raises throttle_time_ms in an encoded Fetch response (v1+: the body's first field, right after the
 * size prefix and the response header), so the response need not be encoded twice.
 */
export function raiseEncodedFetchThrottle(chunks: Buffer[], header: RequestHeader, ms: number): void {
  if (ms <= 0 || header.apiKey !== FETCH || header.apiVersion < 1) return;
  const at = 4 + responseHeaderSize(responseHeaderVersion(header.apiKey, header.apiVersion));
  const first = chunks[0];
  if (!first || first.length < at + 4) return;
  first.writeInt32BE(Math.max(first.readInt32BE(at), Math.min(ms, 0x7fffffff)), at);
}
