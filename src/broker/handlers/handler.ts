// The contract every API handler module fulfils (one module per API key, named by key:
// `00-produce.ts`, `01-fetch.ts`, ...). A handler declares the versions it serves; the
// ApiVersions response is derived from the handler list, so what we advertise cannot drift
// from what we implement. Handlers never throw to the connection: failures become error
// codes in the response. An exception escaping a handler is a bug; the connection logs it
// and closes.
import type { ApiDefinition, MessageInput } from '../../protocol/primitives/codec.js';
import type { RequestHeader } from '../../protocol/headers.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerState } from '../broker-state.js';
import type { SecuritySession } from '../security/session.js';

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no-response');

/**
 * Returned by a handler that must end the connection instead of answering, after every earlier
 * response is written: a failed acks=0 Produce (Kafka closes the connection, the only way such a
 * client learns of the error). The connection logs `reason`.
 */
export interface CloseConnection {
  readonly kind: typeof CLOSE_CONNECTION;
  readonly reason: string;
  readonly fields: Readonly<Record<string, string | number>>;
}

const CLOSE_CONNECTION: unique symbol = Symbol('close-connection');

export function closeConnection(reason: string, fields: Record<string, string | number> = {}): CloseConnection {
  return { kind: CLOSE_CONNECTION, reason, fields };
}

export function isCloseConnection(result: unknown): result is CloseConnection {
  return typeof result === 'object' && result !== null && (result as { kind?: unknown }).kind === CLOSE_CONNECTION;
}

export interface RequestContext {
  header: RequestHeader;
  broker: BrokerState;
  /** "host:port" of the client, for logs and DescribeGroups' clientHost. */
  clientAddress: string;
  connectionId: number;
  logger: Logger;
  /** Aborted when the connection closes: parked work (a long-polling Fetch) stops waiting. */
  signal: AbortSignal;
  /** The request's share of the connection's memory budget (absent outside a connection). */
  memory?: RequestMemory;
  /**
   * Runs `fn` once the response's bytes are with the OS, or once the connection closed first (absent
   * outside a connection). Fetch gives its pooled read buffers back here (storage/read-buffers.ts).
   */
  afterResponse?: (fn: () => void) => void;
  /** The connection's listener and principal (absent outside a connection: ANONYMOUS on PLAINTEXT). */
  session?: SecuritySession;
}

/**
 * A handler about to build a large response (Fetch from stored data) sizes it to what the memory
 * budgets grant before reading anything (server/request-memory.ts, docs/limits.md).
 */
export interface RequestMemory {
  /** Takes up to `bytes` more for the response; returns what was granted (maybe 0, never waits). */
  reserveUpTo(bytes: number): number;
  /** Gives back `bytes` of what reserveUpTo granted (a long poll parks holding only what it read). */
  giveBack(bytes: number): void;
  /**
   * Takes `bytes` beyond the reservation for data already read (KIP-74: one batch larger than the
   * fetch's limits). True when the budgets have room, or when this request is all its connection
   * holds (so one consumer is never stuck behind a batch larger than its budget); false and nothing
   * taken otherwise: the handler then drops that data and lets the client fetch it again.
   */
  takeExcess(bytes: number): boolean;
}

export type HandlerResult<Res> = MessageInput<Res> | typeof NO_RESPONSE | CloseConnection;

export interface Handler<Req, Res> {
  api: ApiDefinition<Req, Res>;
  minVersion: number;
  maxVersion: number;
  handle(request: Req, ctx: RequestContext): HandlerResult<Res> | Promise<HandlerResult<Res>>;
}

/** The handler list's element type: request and response types erased. */
// Method syntax in Handler/MessageCodec keeps parameters bivariant, so any Handler<Req, Res> fits.
export type AnyHandler = Handler<unknown, unknown>;

/** How the connection finds handlers (implemented by server/handler-table.ts). */
export interface HandlerLookup {
  handlerFor(apiKey: number): AnyHandler | undefined;
  /** Answers an ApiVersions request whose version we do not serve (KIP-511). */
  unsupportedApiVersions(header: RequestHeader): Buffer;
}

/** Identity helper that lets TypeScript infer Req/Res from `api`. */
export function defineHandler<Req, Res>(handler: Handler<Req, Res>): AnyHandler {
  return handler as unknown as AnyHandler;
}
