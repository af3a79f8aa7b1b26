// One client connection: cuts request frames out of the socket stream, decodes headers,
// dispatches to handlers and writes responses in request order.
//
// What closes the connection (with one log line): a frame size that is negative or over
// socket.request.max.bytes (checked before allocating), a header or body that does not
// decode, an unknown API key, a version the handler does not serve (except ApiVersions,
// which answers UNSUPPORTED_VERSION per KIP-511), an exception escaping a handler, idleness
// past connections.max.idle.ms (found by the listener's IdleSweep, idle-sweep.ts), and a handler answering closeConnection() (a failed acks=0 Produce,
// closed after the earlier responses are written). Everything else semantic is the handler's to answer
// with an error code.
//
// On close, every handler still running sees ctx.signal abort, so parked long polls are released at
// once instead of holding a timer for a socket that is gone.
//
// Backpressure, in bytes and in requests (docs/limits.md): every request frame is counted against the
// connection's memory budget (and, through it, the broker-wide one) as soon as its size prefix is
// read, before its bytes arrive; its response is counted until the OS has taken it. Reading pauses
// while either budget is used up or too many requests are unanswered, and resumes when bytes are
// released, so a client that sends without reading cannot make the broker buffer without bound.
// A Fetch reserves what its response may hold before it reads storage (ctx.memory), so the budget
// also holds for responses built from stored data. Closing releases everything the connection held.
// A large request other than Produce is charged DECODE_EXPANSION times its frame while it is handled:
// decoded into objects, small structs take 5-7 times their wire size (measured), whereas Produce
// keeps its records as views of the frame.
//
// Client quotas (KIP-219, server/request-throttle.ts): when any quota is stored, each request's cost is
// recorded; a response over quota carries throttle_time_ms and the connection reads nothing more from
// the client for that long (muted), while responses already due are still written.
import { setMaxListeners } from 'node:events';
import type { Socket } from 'node:net';
import { DecodeError } from '../../protocol/decode-error.js';
import { FrameDecoder } from '../../protocol/framing.js';
import { decodeRequestHeader, decodeRequestBody, type RequestHeader } from '../../protocol/headers.js';
import type { Logger } from '../../util/logger.js';
import type { BrokerState } from '../broker-state.js';
import { NO_RESPONSE, isCloseConnection, type AnyHandler, type HandlerLookup, type RequestContext } from '../handlers/handler.js';
import { ByteBudget, SMALL_FRAME } from '../limits/byte-budget.js';
import { HeldBytes } from './request-memory.js';
import { ResponseQueue, type CompleteSlot } from './response-queue.js';
import { encodeResponse } from './response-encoding.js';
import { PRE_AUTHENTICATION_APIS, SecuritySession } from '../security/session.js';
import type { IdleTracked } from './idle-sweep.js';
import { framePool } from '../../util/frame-pool.js';
import { SlotList } from '../../util/slot-list.js';
import { raiseEncodedFetchThrottle, raiseThrottleField, recordResponseTime, requestThrottleMs, responseThrottleMs, throttledFetch } from './request-throttle.js';
import { evaluateRawToken } from '../security/raw-sasl.js';

export interface ConnectionOptions {
  maxRequestBytes: number;
  /** sasl.server.max.receive.size: the frame limit until the client has authenticated. */
  maxUnauthenticatedBytes?: number;
  idleTimeoutMs: number;
  /** Pause reading at this many unanswered requests (brook.connection.max.inflight.requests). */
  maxInFlight?: number;
  /** This connection's memory budget in bytes (brook.connection.max.buffered.bytes). */
  maxBufferedBytes?: number;
  /** The broker-wide budget this connection's is part of (brook.max.buffered.bytes). */
  brokerBudget?: ByteBudget;
  /** The listener's security and this client's principal (default: PLAINTEXT, ANONYMOUS). */
  session?: SecuritySession;
}

/** Decoded size over wire size for requests made of many small structs (measured 5-7x). */
const DECODE_EXPANSION = 8;
const PRODUCE = 0;
/**
 * Produce frames spanning socket reads are copied into reused buffers (util/frame-pool.ts): Produce
 * keeps its records as views of the frame only until the log has written them (the log retains them
 * for its write), so the frame can be reused once the handler is done. Other requests' decoded
 * fields may be views kept long after (group metadata, assignments), so their frames are not pooled.
 */
const POOLED_API_KEYS: ReadonlySet<number> = new Set([PRODUCE]);

const chunkBytes = (chunks: readonly Buffer[]): number => {
  let n = 0;
  for (const c of chunks) n += c.length;
  return n;
};

export class Connection implements IdleTracked {
  private readonly frames: FrameDecoder;
  private readonly responses: ResponseQueue;
  private readonly logger: Logger;
  private readonly maxInFlight: number;
  /** This connection's share of memory (a child of the broker-wide budget). */
  readonly budget: ByteBudget;
  /** Every request's bytes not yet released (released all at once on close); a slot list, not a Set (util/slot-list.ts). */
  private readonly holding = new SlotList<HeldBytes>();
  /** Size of the next frame once admitted to the budget (its bytes may still be arriving), else -1. */
  private admittedFrame = -1;
  private paused = false;
  private stopRelease: (() => void) | null = null;
  private wakeScheduled = false;
  private pumping = false;
  private pumpAgain = false;
  private closed = false;
  private readonly aborter = new AbortController();
  /** Reads stay paused until this time (ms) after a throttled response (KIP-219); 0 when not muted. */
  private mutedUntil = 0;
  private muteTimer: NodeJS.Timeout | null = null;
  /** Who the client is and whether it may send more than the SASL APIs yet (security/session.ts). */
  readonly session: SecuritySession;
  /** When this connection last read or wrote (performance.now()), for the idle sweep. */
  lastActiveMs = performance.now();

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
    this.frames = new FrameDecoder({ maxFrameSize: options.maxRequestBytes, pooledApiKeys: POOLED_API_KEYS });
    this.maxRequestBytes = options.maxRequestBytes;
    this.maxUnauthenticatedBytes = Math.min(options.maxRequestBytes, options.maxUnauthenticatedBytes ?? options.maxRequestBytes);
    this.responses = new ResponseQueue(socket);
    this.maxInFlight = options.maxInFlight ?? 256;
    this.session = options.session ?? new SecuritySession('PLAINTEXT', 'PLAINTEXT', socket.remoteAddress ?? '', broker.advertised);
    this.budget = new ByteBudget(options.maxBufferedBytes ?? 16 * 1024 * 1024, options.brokerBudget ?? null);
    // Each in-flight request (at most maxInFlight before reading pauses) may listen for the abort.
    setMaxListeners(this.maxInFlight + 1, this.aborter.signal);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.logger.debug('socket error', { error: e.message }));
    socket.on('close', () => this.onClosed());
  }

  readonly clientAddress: string;
  private readonly maxRequestBytes: number;
  private readonly maxUnauthenticatedBytes: number;
  private onCloseHooks: (() => void)[] = [];

  /** Whether reading is paused for backpressure (tests, metrics). */
  get readingPaused(): boolean {
    return this.paused;
  }

  /** Handling a request or writing a response counts as activity (IdleTracked). */
  get busy(): boolean {
    return this.responses.inFlight > 0 || this.socket.writableLength > 0;
  }

  closeIdle(): void {
    this.close('idle for connections.max.idle.ms');
  }

  onClose(hook: () => void): void {
    this.onCloseHooks.push(hook);
  }

  /** Ends the connection, logging why. Safe to call more than once. */
  close(reason: string, fields: Record<string, string | number> = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.logger.warn('closing connection', { reason, ...fields });
    this.releaseAll();
    this.socket.destroy();
    this.aborter.abort();
  }

  private onClosed(): void {
    this.closed = true;
    this.releaseAll();
    this.aborter.abort();
    for (const hook of this.onCloseHooks.splice(0)) hook();
  }

  /** Gives back every byte this connection holds: queued responses, running requests, an admitted frame. */
  private releaseAll(): void {
    this.responses.close();
    this.holding.forEach((held) => held.release());
    this.holding.clear();
    if (this.admittedFrame >= 0) this.budget.release(this.admittedFrame);
    this.admittedFrame = -1;
    this.stopRelease?.();
    this.stopRelease = null;
    if (this.muteTimer) clearTimeout(this.muteTimer);
    this.muteTimer = null;
  }

  /** Stops reading for `ms` (a throttled response, KIP-219); a longer mute already running wins. */
  private mute(ms: number): void {
    const until = Date.now() + ms;
    if (ms <= 0 || this.closed || until <= this.mutedUntil) return;
    this.mutedUntil = until;
    this.pause(false);
    if (this.muteTimer) clearTimeout(this.muteTimer);
    this.muteTimer = setTimeout(() => {
      this.muteTimer = null;
      this.mutedUntil = 0;
      this.pump();
    }, ms);
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.lastActiveMs = performance.now();
    this.frames.push(chunk);
    this.pump();
  }

  /**
   * Cuts and dispatches every frame the budgets admit. Stops (pausing the socket) at the in-flight
   * limit or when a budget is used up; resumes the socket when nothing holds it back.
   */
  private pump(): void {
    // A handler answering synchronously may call back in here; run the loop once more instead of nesting.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        if (!this.pumpOnce()) return;
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    this.resume();
  }

  /** One pass of pump(); false when it paused (or closed) and the socket must stay as it is. */
  private pumpOnce(): boolean {
    try {
      while (!this.closed) {
        if (this.mutedUntil !== 0) return this.pause(false);
        if (this.responses.inFlight >= this.maxInFlight) return this.pause(false);
        // Kafka's sasl.server.max.receive.size: a client that has not authenticated cannot make the
        // broker buffer a large frame.
        this.frames.maxFrameSize = this.session.authenticated ? this.maxRequestBytes : this.maxUnauthenticatedBytes;
        const size = this.frames.peekFrameSize();
        if (size === null) break;
        if (this.admittedFrame < 0) {
          if (!this.budget.admit(size)) return this.pause(true);
          this.admittedFrame = size;
        }
        const frame = this.frames.next();
        if (frame === null) break; // admitted; the rest of its bytes are on the way
        const held = new HeldBytes(this.budget, this.admittedFrame);
        this.admittedFrame = -1;
        this.dispatch(frame, held);
      }
    } catch (e) {
      if (e instanceof DecodeError && e.kind === 'too-large' && !this.session.authenticated) this.close('request larger than sasl.server.max.receive.size before authentication', { error: e.message });
      else if (e instanceof DecodeError) this.close('bad frame', { error: e.message });
      else this.close('internal error reading request', { error: String(e) });
      return false;
    }
    return !this.closed;
  }

  private pause(forMemory: boolean): false {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    // Budget room can come from any connection: listen for releases while paused for memory.
    if (forMemory && !this.stopRelease) this.stopRelease = this.budget.onRelease(() => this.scheduleWake());
    return false;
  }

  private resume(): void {
    this.stopRelease?.();
    this.stopRelease = null;
    if (!this.paused || this.closed) return;
    this.paused = false;
    this.socket.resume();
  }

  /** Runs pump() once, soon (never inside another connection's release). */
  private scheduleWake(): void {
    if (this.wakeScheduled || this.closed) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      if (this.paused) this.pump();
    });
  }

  /** Handles one frame and gives a pooled frame back once its handler is done with it. */
  private dispatch(frame: Buffer, held: HeldBytes): void {
    let running: Promise<void> | undefined;
    try {
      running = this.handleFrame(frame, held);
    } finally {
      if (!running) framePool.release(frame);
    }
    // Only a pooled frame has anything to give back (most frames are views of socket reads).
    if (running && framePool.isPooled(frame)) void running.finally(() => framePool.release(frame));
  }

  /** A promise while the handler may still use the frame, else undefined. */
  private handleFrame(frame: Buffer, held: HeldBytes): Promise<void> | undefined {
    const startedAt = this.broker.metrics.requestStarted(frame.length);
    this.holding.add(held);
    let after: (() => void)[] | null = null;
    const done = (): void => {
      held.release();
      this.holding.delete(held);
      if (after) for (const fn of after.splice(0)) fn();
    };
    // After SaslHandshake v0 the frames are bare SASL tokens (security/raw-sasl.ts).
    if (this.session.rawTokens) {
      const complete = this.responses.reserve(done);
      void evaluateRawToken(this.session, this.broker.security, frame, this.clientAddress, this.logger, this.aborter.signal).then((out) => {
        if (out.kind === 'token') {
          held.settle(out.frame.length);
          complete([out.frame]);
        } else {
          held.settle(0);
          complete(null, () => this.close(out.reason, {}));
        }
      });
      return;
    }
    // request_percentage counts the request's whole time on the event loop, as Kafka counts its network and
    // request-handler threads' time: from here (decoding) through the handler's synchronous part, and
    // the response's encoding in respond(). Time a handler spends awaiting (an fsync, a long poll) is
    // not the event loop's: Kafka parks such requests in purgatory, uncounted, too.
    const metered = this.broker.security.quotas.active;
    const handleStart = metered ? process.hrtime.bigint() : 0n;
    let header: RequestHeader;
    try {
      header = decodeRequestHeader(frame);
    } catch (e) {
      done();
      this.close('undecodable request header', { error: e instanceof Error ? e.message : String(e) });
      return;
    }
    // KIP-43: on a SASL listener nothing but the SASL APIs and ApiVersions before authentication.
    if (!this.session.authenticated && !PRE_AUTHENTICATION_APIS.has(header.apiKey)) {
      done();
      this.close('request before SASL authentication', { apiKey: header.apiKey });
      return;
    }
    // KIP-368: once a session has expired, only re-authentication may be sent.
    if (this.session.expiresAt !== 0 && header.apiKey !== 17 && header.apiKey !== 36 && this.session.expired(Date.now())) {
      done();
      this.close('SASL session expired without re-authentication (connections.max.reauth.ms)', { apiKey: header.apiKey });
      return;
    }
    if (header.apiKey !== PRODUCE && frame.length > SMALL_FRAME) held.charge(frame.length * (DECODE_EXPANSION - 1));
    const handler = this.handlers.handlerFor(header.apiKey);
    if (!handler) {
      done();
      this.close('unknown API key', { apiKey: header.apiKey, apiVersion: header.apiVersion });
      return;
    }
    if (header.apiVersion < handler.minVersion || header.apiVersion > handler.maxVersion) {
      if (header.apiKey === 18) {
        const answer = this.handlers.unsupportedApiVersions(header);
        held.settle(answer.length);
        this.responses.reserve(done)([answer]);
        return;
      }
      done();
      this.close('unsupported API version', { api: handler.api.name, apiVersion: header.apiVersion });
      return;
    }
    let request: unknown;
    try {
      request = decodeRequestBody(frame, header, handler.api.request);
    } catch (e) {
      done();
      this.close('undecodable request body', { api: handler.api.name, apiVersion: header.apiVersion, error: e instanceof Error ? e.message : String(e) });
      return;
    }
    const complete = this.responses.reserve(done);
    const ctx: RequestContext = {
      header,
      broker: this.broker,
      clientAddress: this.clientAddress,
      connectionId: this.id,
      logger: this.logger,
      signal: this.aborter.signal,
      memory: held,
      afterResponse: (fn) => {
        if (held.isReleased) fn();
        else (after ??= []).push(fn);
      },
      session: this.session,
    };
    let result;
    try {
      result = handler.handle(request, ctx);
    } catch (e) {
      this.handlerFailed(handler, header, e);
      return;
    }
    // Costs are recorded as soon as the handler has run (its synchronous part is the time it took from
    // the event loop), and an over-quota client is muted at once: later requests already pipelined
    // behind this one wait (Kafka gets the same by handling one request per connection at a time).
    let quotaMs = -1;
    if (metered) {
      quotaMs = requestThrottleMs(this.broker.security.quotas, this.session.principal, header, frame.length, Number(process.hrtime.bigint() - handleStart), Date.now());
      this.mute(quotaMs);
    }
    if (result instanceof Promise) {
      return result.then(
        (r) => this.respond(complete, held, handler, header, r, startedAt, quotaMs),
        (e: unknown) => this.handlerFailed(handler, header, e),
      );
    } else {
      this.respond(complete, held, handler, header, result, startedAt, quotaMs);
    }
  }

  private respond(
    complete: CompleteSlot,
    held: HeldBytes,
    handler: AnyHandler,
    header: RequestHeader,
    result: unknown,
    startedAt: number,
    /** Throttle time the request's own costs earned (already muted for), or -1 when quotas are off. */
    quotaMs: number,
  ): void {
    if (this.closed) return;
    const respondStart = quotaMs >= 0 ? process.hrtime.bigint() : 0n;
    let throttleMs = 0;
    const quotas = this.broker.security.quotas;
    if (quotaMs >= 0 && result !== NO_RESPONSE && !isCloseConnection(result)) {
      if (quotaMs > 0) raiseThrottleField(result, quotaMs);
      // A throttle the handler decided (controller_mutation_rate) mutes the connection too (KIP-219).
      const own = (result as { throttleTimeMs?: unknown }).throttleTimeMs;
      if (typeof own === 'number' && own > quotaMs) throttleMs = own;
    }
    if (result === NO_RESPONSE) {
      this.broker.metrics.requestDone(header.apiKey, startedAt, null);
      held.settle(0);
      complete(null);
    } else if (isCloseConnection(result)) {
      const fields = { api: handler.api.name, correlationId: header.correlationId, clientId: header.clientId ?? '', ...result.fields };
      held.settle(0);
      complete(null, () => this.close(result.reason, fields));
      return;
    } else {
      let chunks: Buffer[];
      try {
        chunks = encodeResponse(handler.api, header, result);
      } catch (e) {
        this.handlerFailed(handler, header, e);
        return;
      }
      if (quotaMs >= 0 && quotas.active) {
        const now = Date.now();
        const bytes = chunkBytes(chunks);
        const fetchMs = responseThrottleMs(quotas, this.session.principal, header, bytes, now);
        const empty = throttledFetch(quotas, this.session.principal, header, bytes, Math.max(fetchMs, quotaMs), now);
        if (empty !== null) chunks = encodeResponse(handler.api, header, empty);
        else raiseEncodedFetchThrottle(chunks, header, fetchMs);
        throttleMs = Math.max(throttleMs, fetchMs);
        // Encoding is counted too, without throttling this answer (Kafka records its network thread's
        // time the same way, recordNoThrottle): it weighs on the client's next requests.
        recordResponseTime(quotas, this.session.principal, header, Number(process.hrtime.bigint() - respondStart), now);
      }
      this.broker.metrics.requestDone(header.apiKey, startedAt, chunks);
      // From here until the OS takes them the response's bytes are what this request holds.
      held.settle(chunkBytes(chunks));
      const lastWords = this.session.closeAfterResponse;
      if (lastWords !== null) {
        complete(chunks, () => this.close(lastWords, { api: handler.api.name }));
        return;
      }
      complete(chunks);
    }
    if (throttleMs > 0) this.mute(throttleMs);
    if (this.paused) this.pump();
  }

  private handlerFailed(handler: AnyHandler, header: RequestHeader, e: unknown): void {
    this.logger.error('handler failed', {
      api: handler.api.name,
      apiVersion: header.apiVersion,
      error: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
    this.close('internal error handling request', { api: handler.api.name });
  }
}
