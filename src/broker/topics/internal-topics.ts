// Kafka's internal topics: never auto-created for clients and closed to client produce,
// as in Kafka (clients get INVALID_TOPIC_EXCEPTION when they try to write to them).
export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';
/** The share-group state log (KIP-932); its records are src/broker/queues/state-log-codec.ts. */
export const SHARE_GROUP_STATE_TOPIC = '__share_group_state';

const INTERNAL = new Set([CONSUMER_OFFSETS_TOPIC, TRANSACTION_STATE_TOPIC, SHARE_GROUP_STATE_TOPIC]);

/** The MQTT server's state topics (sessions, retained messages, shared-subscription state; src/broker/mqtt). */
export const MQTT_INTERNAL_PREFIX = '__mqtt';

/** AMQP queues' logs and their delivery-state log (src/broker/amqp) are internal too. */
export const AMQP_INTERNAL_PREFIX = '__amqp';

export function isInternalTopic(name: string): boolean {
  return INTERNAL.has(name) || name.startsWith(MQTT_INTERNAL_PREFIX) || name.startsWith(AMQP_INTERNAL_PREFIX);
}
