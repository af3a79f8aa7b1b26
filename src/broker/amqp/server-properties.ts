// connection.start's server-properties: who we are and the RabbitMQ extensions we implement
// (clients read `capabilities` to decide what they may use).
import { longstrValue, type FieldTable } from '../../amqp/index.js';

const CAPABILITIES = [
  'publisher_confirms',
  'exchange_exchange_bindings',
  'basic.nack',
  'consumer_cancel_notify',
  'connection.blocked',
  'authentication_failure_close',
  'per_consumer_qos',
  'direct_reply_to',
] as const;

export function serverProperties(): FieldTable {
  return [
    ['product', longstrValue('Brook')],
    ['version', longstrValue('0.1.0')],
    ['platform', longstrValue(`Node.js ${process.version}`)],
    ['copyright', longstrValue('Brook contributors')],
    ['information', longstrValue('Licensed under the Apache License 2.0')],
    ['cluster_name', longstrValue('brook')],
    ['capabilities', { type: 'F', value: CAPABILITIES.map((c) => [c, { type: 't', value: true }]) }],
  ];
}
