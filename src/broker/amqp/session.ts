// What a channel needs from its connection and the server, kept as an interface so channels can be
// reasoned about (and tested) apart from sockets.
import type { AmqpAcl } from './amqp-acl.js';
import type { AmqpMethod } from '../../amqp/index.js';
import type { Logger } from '../../util/logger.js';
import type { AmqpError } from './errors.js';
import type { AmqpQueue } from './queue.js';
import type { VirtualHost } from './vhost.js';

export interface ChannelHost {
  readonly vhost: VirtualHost;
  readonly user: string;
  /** The broker's ACLs for this connection (amqp-acl.ts). */
  readonly acl: AmqpAcl;
  /** Identity for exclusive queues: the connection. */
  readonly connectionKey: unknown;
  readonly connectionId: string;
  readonly frameMax: number;
  readonly maxMessageBytes: number;
  readonly logger: Logger;
  /** Whether the client understands basic.cancel from the server (consumer_cancel_notify). */
  readonly cancelNotify: boolean;
  sendMethod(channel: number, m: AmqpMethod): void;
  /** Writes prepared frames (one cork). */
  sendFrames(frames: Buffer[]): void;
  /** Whether the socket's write buffer is over its high-water mark (delivery pauses). */
  writeBlocked(): boolean;
  /** Calls fn once the socket drains. */
  onDrain(fn: () => void): void;
  now(): number;
  /** Publisher flow control: stop reading this connection until the queue's backlog drains. */
  holdForBacklog?(queue: AmqpQueue): void;
  /** The broker's delivery acknowledgement timeout, ms (brook.amqp.consumer.timeout.ms; 0: none). */
  readonly consumerTimeoutMs: number;
  /** Closes a channel with a soft error raised outside a method (channel.close to the client). */
  failChannel(channel: number, e: AmqpError): void;
}
