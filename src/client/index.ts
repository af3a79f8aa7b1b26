// The client layer's public surface: everything above the wire (CLI, streams, gateway)
// imports Kafka client functionality from here, never from the library directly.
export { DEFAULT_BROKERS, parseBrokerList, resolveBrokers } from './options.js';
export type { ClientOptions } from './options.js';
export { createAdmin, createConsumer, createProducer } from './factories.js';
export {
  Admin,
  Consumer,
  Producer,
  MessagesStream,
  stringSerializers,
  stringDeserializers,
} from '@platformatic/kafka';
export type {
  ConsumerOptions,
  ProducerOptions,
  Message,
  MessageToProduce,
  ProduceResult,
} from '@platformatic/kafka';
