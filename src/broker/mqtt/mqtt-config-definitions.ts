// Broker config keys of the MQTT listener (Brook's own `brook.mqtt.*` names; set with --set,
// BROOK_BROOK_MQTT_* variables or the config file like every broker key). The listen port has its
// own flag and variable too: --mqtt-port / BROOK_MQTT_PORT (cli start-options). docs/mqtt.md
// documents each key. mqtt-config.ts reads them into MqttSettings; this file imports only the key shape
// (config/config-definition.ts) so that config/definitions.ts can spread the list without a cycle.
import { def, type ConfigDefinition } from '../config/config-definition.js';

/** MQTT's largest packet: a 4-byte remaining length (268,435,455) plus the 5-byte fixed header. */
const MQTT_MAX_PACKET = 268_435_460;
const NEVER_EXPIRE = 4_294_967_295;

export const MQTT_BROKER_CONFIGS: readonly ConfigDefinition[] = [
  def('brook.mqtt.enable', 'BOOLEAN', 'true', 'Whether the MQTT listener runs (--no-mqtt turns it off).'),
  def('brook.mqtt.port', 'INT', '1883', 'MQTT listen port; 0 picks a free one (--mqtt-port, BROOK_MQTT_PORT).', { min: 0, max: 65535 }),
  def('brook.mqtt.topic.mappings', 'STRING', '', 'MQTT topic filters to Kafka topics, "filter=topic" rules separated by ";" (the first rule that matches wins).'),
  def('brook.mqtt.default.topic', 'STRING', 'mqtt', 'The Kafka topic of MQTT topics no rule maps; empty refuses them.'),
  def('brook.mqtt.kafka.qos', 'INT', '1', 'QoS of records without an mqtt.qos header (produced by Kafka clients), capped by each subscription.', { min: 0, max: 2 }),
  def('brook.mqtt.users', 'STRING', '', 'MQTT users as user:password, comma separated (empty: no user list).'),
  def('brook.mqtt.allow.anonymous', 'BOOLEAN', 'true', 'Whether clients without a user name may connect.'),
  def('brook.mqtt.max.packet.size', 'INT', '1048576', 'Largest MQTT packet the server accepts (its Maximum Packet Size).', { min: 64, max: MQTT_MAX_PACKET }),
  def('brook.mqtt.receive.maximum', 'INT', '1024', 'QoS 1/2 publishes a client may have unacknowledged (the server Receive Maximum).', { min: 1, max: 65535 }),
  def('brook.mqtt.max.inflight.messages', 'INT', '100', 'QoS 1/2 messages the server sends a client before waiting for acknowledgements (also bounded by the client Receive Maximum).', { min: 1, max: 65535 }),
  def('brook.mqtt.max.queued.messages', 'INT', '1000', 'Messages one session keeps waiting (offline, or while its in-flight window is full); beyond it new messages for the session are dropped.', { min: 1 }),
  def('brook.mqtt.topic.alias.maximum', 'INT', '100', 'Topic aliases a 5.0 client may use on publishes (the server Topic Alias Maximum).', { min: 0, max: 65535 }),
  def('brook.mqtt.max.keepalive', 'INT', '65535', 'Largest keep-alive a client may ask for; a larger one is answered with this (5.0 Server Keep Alive).', { min: 1, max: 65535 }),
  def('brook.mqtt.max.session.expiry.interval', 'LONG', String(NEVER_EXPIRE), 'Largest session expiry interval (seconds) granted; 4294967295 never expires.', { min: 0, max: NEVER_EXPIRE }),
  def('brook.mqtt.connect.timeout.ms', 'INT', '10000', 'How long a new connection may take to send CONNECT.', { min: 100 }),
];
