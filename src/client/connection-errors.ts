// No connection-level error of the Kafka client may end a Brook process. @platformatic/kafka 1.x
// listens for a pooled connection's 'error' with `once` (the pool forgets the connection on the first
// one), so a second 'error' on the same connection has no listener and Node throws it from the event
// loop: a socket reset during the SASL handshake does exactly that (the socket's error, then the
// handshake failing when the socket closes), and `brook gateway` with a wrong password died of it.
//
// The library announces every Connection it creates on the diagnostics channel plt:kafka:instances;
// a persistent 'error' listener goes on each one, in every pool (clients, consumer streams) and on
// the connections this layer opens itself. The library's own callbacks still receive every error and
// report the failure to whoever asked; the listener only logs. An error nothing else listened for is
// a warning (it would have been fatal), one the library handled a debug line.
import { channel, type Channel } from 'node:diagnostics_channel';
import type { EventEmitter } from 'node:events';
import { createLogger, type Logger } from '../util/logger.js';

let logger: Logger = createLogger({ level: 'warn', fields: { component: 'kafka-client' } });
/** Held here: a channel nobody references may be collected together with its subscribers. */
let instances: Channel | null = null;

/** Where the guard's lines go (the process's logger); stderr at warn level until a process says. */
export function setConnectionErrorLogger(to: Logger): void {
  logger = to;
}

/** Installs the guard once per process (importing this layer does it). */
export function guardConnectionErrors(): void {
  if (instances) return;
  instances = channel('plt:kafka:instances');
  instances.subscribe((message) => {
    const { type, instance } = (message ?? {}) as { type?: unknown; instance?: unknown };
    if (type === 'connection' && isEmitter(instance)) watch(instance);
  });
}

function watch(connection: EventEmitter): void {
  const onError = (error: unknown): void => {
    const unhandled = connection.listenerCount('error') === 1;
    const fields = { error: describe(error), unhandledElsewhere: unhandled };
    if (unhandled) logger.warn('Kafka client connection error', fields);
    else logger.debug('Kafka client connection error', fields);
  };
  connection.on('error', onError);
}

function isEmitter(x: unknown): x is EventEmitter {
  return typeof x === 'object' && x !== null && typeof (x as EventEmitter).on === 'function' && typeof (x as EventEmitter).listenerCount === 'function';
}

/** The message with its causes ("Connection to h:p failed. <- Cannot find ... <- Connection closed"). */
function describe(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(' <- ');
}
