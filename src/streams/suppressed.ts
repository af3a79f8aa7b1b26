// Suppression configs for `table.suppress(...)` (Kafka Streams' Suppressed and BufferConfig,
// KIP-328). A suppression holds back a table's updates per key and emits only the latest one:
//
//   untilWindowCloses(buffer)   windowed tables: one final result per window, once stream time
//                               passes the window's end plus its grace (the window's close);
//                               deletes are dropped (a closed window has no "delete" to report).
//   untilTimeLimit(d, buffer)   any table: a key's first buffered update starts a timer of d in
//                               stream time; when it runs out, the key's latest value is emitted
//                               (rate limiting). Deletes are emitted like updates.
//
// The buffer holds one entry per key. Its bounds (records, bytes of serialized key + value) and
// what happens when they are exceeded:
//   emitEarlyWhenFull()   emit the oldest entries until it fits again (untilTimeLimit only: an
//                         early "final" result would break untilWindowCloses' promise);
//   shutDownWhenFull()    fail the task with a clear error (the app's uncaught-exception handler
//                         then decides). `unbounded()` never fills (memory is the limit).
// The buffer is a store with a changelog, so buffered updates survive a restart or a failover.

import { toMillis, type Duration } from './duration.js';

export type BufferFullStrategy = 'emit-early' | 'shut-down';

export interface BufferConfig {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly whenFull: BufferFullStrategy;
  withMaxRecords(n: number): BufferConfig;
  withMaxBytes(n: number): BufferConfig;
  emitEarlyWhenFull(): BufferConfig;
  shutDownWhenFull(): StrictBufferConfig;
}

/** A buffer that never emits early, as untilWindowCloses requires (Kafka's StrictBufferConfig). */
export interface StrictBufferConfig extends BufferConfig {
  readonly whenFull: 'shut-down';
}

function bufferConfig(maxRecordsN: number, maxBytesN: number, whenFull: BufferFullStrategy): BufferConfig {
  for (const [what, n] of [['maxRecords', maxRecordsN], ['maxBytes', maxBytesN]] as const) {
    if (!(n > 0)) throw new RangeError(`suppression buffer ${what} must be > 0`);
  }
  return {
    maxRecords: maxRecordsN,
    maxBytes: maxBytesN,
    whenFull,
    withMaxRecords: (n) => bufferConfig(n, maxBytesN, whenFull),
    withMaxBytes: (n) => bufferConfig(maxRecordsN, n, whenFull),
    emitEarlyWhenFull: () => bufferConfig(maxRecordsN, maxBytesN, 'emit-early'),
    shutDownWhenFull: () => bufferConfig(maxRecordsN, maxBytesN, 'shut-down') as StrictBufferConfig,
  };
}

/** No bound (a full buffer cannot happen; memory is the limit). */
export function unbounded(): StrictBufferConfig {
  return bufferConfig(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 'shut-down') as StrictBufferConfig;
}

/** At most `n` keys buffered; by default emits early when full (Kafka's BufferConfig.maxRecords). */
export function maxRecords(n: number): BufferConfig {
  return bufferConfig(n, Number.POSITIVE_INFINITY, 'emit-early');
}

/** At most `n` bytes (serialized keys and values) buffered; by default emits early when full. */
export function maxBytes(n: number): BufferConfig {
  return bufferConfig(Number.POSITIVE_INFINITY, n, 'emit-early');
}

export interface Suppressed {
  readonly kind: 'window-close' | 'time-limit';
  /** untilTimeLimit: how long an update waits, in stream time. */
  readonly timeLimitMs: number;
  readonly buffer: BufferConfig;
  /** Names the buffer store (and its changelog `<appId>-<name>-changelog`). */
  readonly name: string | undefined;
  withName(name: string): Suppressed;
}

function suppressed(kind: Suppressed['kind'], timeLimitMs: number, buffer: BufferConfig, name: string | undefined): Suppressed {
  return { kind, timeLimitMs, buffer, name, withName: (n) => suppressed(kind, timeLimitMs, buffer, n) };
}

export function untilWindowCloses(buffer: StrictBufferConfig): Suppressed {
  if (buffer.whenFull !== 'shut-down') throw new RangeError('untilWindowCloses needs a strict buffer: unbounded(), or shutDownWhenFull()');
  return suppressed('window-close', 0, buffer, undefined);
}

export function untilTimeLimit(timeLimit: Duration, buffer: BufferConfig): Suppressed {
  return suppressed('time-limit', toMillis(timeLimit), buffer, undefined);
}
