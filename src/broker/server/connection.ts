// One client connection: cuts request frames out of the socket stream, decodes headers,
// dispatches to handlers and writes responses in request order.
//
// What closes the connection (with one log line): a frame size that is negative or over
// socket.request.max.bytes (checked before allocating), a header or body that does not
// decode, an unknown API key, a version the handler does not serve (except ApiVersions,
// which answers UNSUPPORTED_VERSION per KIP-511), an exception escaping a handler, and idleness
// past connections.max.idle.ms, and a handler answering closeConnection() (a failed acks=0 Produce,
// closed after the earlier responses are written). Everything else semantic is the handler's to answer
// with an error code.
//
// On close, every handler still running sees ctx.signal abort, so parked long polls are released at
// once instead of holding a timer for a socket that is gone.
//
// Backpressure: reading pauses while too many requests are unanswered or too many response
// bytes wait in the socket, and resumes when the client catches up, so a client that sends
// without reading cannot make the broker buffer without bound.
import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import { DecodeError } from '../../protocol/decode-error.js';
import { FrameDecoder } from '../../protocol/framing.js';
import { decodeRequestHeader, decodeRequestBody, type RequestHeader } from '../../protocol/headers.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerState } from '../broker-state.js';
import { NO_RESPONSE, isCloseConnection, type AnyHandler, type HandlerLookup, type RequestContext } from '../handlers/handler.js';
import { ResponseQueue } from './response-queue.js';
import { encodeResponse } from './response-encoding.js';

export interface ConnectionOptions {
  maxRequestBytes: number;
  idleTimeoutMs: number;
  /** Pause reading above this many unanswered requests. */
  maxInFlight?: number;
  /** Pause reading while more response bytes than this wait in the socket. */
  maxQueuedResponseBytes?: number;
}

export class Connection {
  private readonly frames: FrameDecoder;
  private readonly responses: ResponseQueue;
  private readonly logger: Logger;
  private readonly maxInFlight: number;
  private readonly maxQueuedBytes: number;
  private paused = false;
  private closed = false;
  private readonly aborter = new AbortController();

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly broker: BrokerState,
    private readonly handlers: HandlerLookup,
    options: ConnectionOptions,
    logger: Logger,
  ) {
    this.clientAddress = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? 0}`;
    this.logger = logger.child({ conn: id, client: this.clientAddress });
    this.frames = new FrameDecoder({ maxFrameSize: options.maxRequestBytes });
    this.responses = new ResponseQueue(socket);
    this.maxInFlight = options.maxInFlight ?? 256;
    this.maxQueuedBytes = options.maxQueuedResponseBytes ?? 16 * 1024 * 1024;
    // Each in-flight request (at most maxInFlight before reading pauses) may listen for the abort.
    setMaxListeners(this.maxInFlight + 1, this.aborter.signal);
    socket.setNoDelay(true);
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => this.close('idle for connections.max.idle.ms'));
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', (e) => this.logger.debug('socket error', { error: e.message }));
    socket.on('close', () => this.onClosed());
  }

  readonly clientAddress: string;
  private onCloseHooks: (() => void)[] = [];

  onClose(hook: () => void): void {
    this.onCloseHooks.push(hook);
  }

  /** Ends the connection, logging why. Safe to call more than once. */
  close(reason: string, fields: Record<string, string | number> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.warn('closing connection', { reason, ...fields });
    this.responses.close();
    this.socket.destroy();
    this.aborter.abort();
  }

  private onClosed(): void {
    this.closed = true;
    this.responses.close();
    this.aborter.abort();
    for (const hook of this.onCloseHooks.splice(0)) hook();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    try {
      this.frames.push(chunk);
      for (let frame = this.frames.next(); frame !== null; frame = this.frames.next()) {
        this.dispatch(frame);
        if (this.closed) return;
      }
    } catch (e) {
      if (e instanceof DecodeError) this.close('bad frame', { error: e.message });
      else this.close('internal error reading request', { error: String(e) });
      return;
    }
    this.maybePause();
  }

  private dispatch(frame: Buffer): void {
    const startedAt = this.broker.metrics.requestStarted(frame.length);
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(frame);
    } catch (e) {
      this.close('undecodable request header', { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    const handler = this.handlers.handlerFor(header.apiKey);
    if (!handler) {
      this.close('unknown API key', { apiKey: header.apiKey, apiVersion: header.apiVersion });
      return;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === 18) {
        this.responses.reserve()([this.handlers.unsupportedApiVersions(header)]);
        return;
      }
      this.close('unsupported API version', { api: handler.api.name, apiVersion: header.apiVersion });
      return;
    }
    let request: unknown;
    try {
      request = decodeRequestBody(frame, header, handler.api.request);
    } catch (e) {
      this.close('undecodable request body', { api: handler.api.name, apiVersion: header.apiVersion, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    const complete = this.responses.reserve();
    const ctx: RequestContext = { header, broker: this.broker, clientAddress: this.clientAddress, connectionId: this.id, logger: this.logger, signal: this.aborter.signal };
    let result;
    try {
      result = handler.handle(request, ctx);
    } catch (e) {
      this.handlerFailed(handler, header, e);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => this.respond(complete, handler, header, r, startedAt),
        (e: unknown) => this.handlerFailed(handler, header, e),
      );
    } else {
      this.respond(complete, handler, header, result, startedAt);
    }
  }

  private respond(
    complete: (chunks: readonly Buffer[] | null, afterWrite?: () => void) => void,
    handler: AnyHandler,
    header: RequestHeader,
    result: unknown,
    startedAt: number,
  ): void {
    if (this.closed) return;
    if (result === NO_RESPONSE) {
      this.broker.metrics.requestDone(header.apiKey, startedAt, null);
      complete(null);
    } else if (isCloseConnection(result)) {
      const fields = { api: handler.api.name, correlationId: header.correlationId, clientId: header.clientId ?? '', ...result.fields };
      complete(null, () => this.close(result.reason, fields));
      return;
    } else {
      try {
        const chunks = encodeResponse(handler.api, header, result);
        this.broker.metrics.requestDone(header.apiKey, startedAt, chunks);
        complete(chunks);
      } catch (e) {
        this.handlerFailed(handler, header, e);
        return;
      }
    }
    this.maybeResume();
  }

  private handlerFailed(handler: AnyHandler, header: RequestHeader, e: unknown): void {
    this.logger.error('handler failed', {
      api: handler.api.name,
      apiVersion: header.apiVersion,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
    this.close('internal error handling request', { api: handler.api.name });
  }

  private maybePause(): void {
    if (this.paused || this.closed) return;
    if (this.responses.inFlight >= this.maxInFlight || this.socket.writableLength > this.maxQueuedBytes) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.closed) return;
    if (this.responses.inFlight < this.maxInFlight / 2 && this.socket.writableLength <= this.maxQueuedBytes / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
