// Broker config keys of the AMQP listener (Brook's own `brook.amqp.*` names; set with --set,
// BROOK_BROOK_AMQP_* variables or the config file like every broker key). The listen port has its
// own flag and variable too: --amqp-port / BROOK_AMQP_PORT (start-options.ts).
import { def, type ConfigDefinition } from '../config/config-definition.js';

export const AMQP_BROKER_CONFIGS: readonly ConfigDefinition[] = [
  def('brook.amqp.enable', 'BOOLEAN', 'true', 'Whether the AMQP 0-9-1 listener runs (--no-amqp turns it off).'),
  def('brook.amqp.port', 'INT', '5672', 'AMQP 0-9-1 listen port; 0 picks a free one (--amqp-port, BROOK_AMQP_PORT).', { min: 0, max: 65535 }),
  def('brook.amqp.tls.port', 'INT', null, "AMQPS (AMQP over TLS, RabbitMQ's 5671) listen port; 0 picks a free one; unset: no TLS listener (--amqps-port, BROOK_AMQPS_PORT). Keys and certificates: listener.name.amqps.ssl.* or the broker-wide ssl.* keys.", { min: 0, max: 65535 }),
  def('brook.amqp.users', 'STRING', 'guest:guest', 'AMQP users as user:password[:vhost|vhost...], comma separated (no vhost list: every vhost).'),
  def('brook.amqp.vhosts', 'STRING', '/', 'Virtual hosts, comma separated.'),
  def('brook.amqp.guest.loopback.only', 'BOOLEAN', 'true', "The user 'guest' may connect only from loopback addresses (RabbitMQ's loopback_users)."),
  def('brook.amqp.frame.max', 'INT', '131072', 'Largest frame the server proposes in connection.tune.', { min: 4096 }),
  def('brook.amqp.channel.max', 'INT', '2047', 'Most channels per connection the server proposes.', { min: 1, max: 65535 }),
  def('brook.amqp.heartbeat', 'INT', '60', 'Heartbeat interval (s) the server proposes; 0 turns heartbeats off.', { min: 0, max: 65535 }),
  def('brook.amqp.max.message.bytes', 'INT', '134217728', 'Largest message body accepted (RabbitMQ max_message_size).', { min: 1, max: 536870912 }),
  def('brook.amqp.topic.exchanges', 'STRING', '', 'Kafka topics as AMQP exchanges in vhost /, as exchange=topic, comma separated (declared durable, type topic).'),
  def('brook.amqp.consumer.timeout.ms', 'INT', '1800000', 'How long a delivery may stay unacknowledged before its channel is closed with 406 PRECONDITION_FAILED and its messages requeued (RabbitMQ consumer_timeout; 0: no timeout). The x-consumer-timeout queue argument overrides it per queue.', { min: 0 }),
];
