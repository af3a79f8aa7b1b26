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

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE: unique symbol = Symbol('no-response');

export interface RequestContext {
  header: RequestHeader;
  broker: BrokerState;
  /** "host:port" of the client, for logs and DescribeGroups' clientHost. */
  clientAddress: string;
  connectionId: number;
  logger: Logger;
}

export type HandlerResult<Res> = MessageInput<Res> | typeof NO_RESPONSE;

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
