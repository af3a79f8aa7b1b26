// The name under which an AMQP exchange or queue appears in the broker's ACLs: a TOPIC resource
// named amqp:<vhost>:exchange:<name> or amqp:<vhost>:queue:<name> (":" cannot occur in a Kafka
// topic name, so these never collide with a real topic's ACLs, and a PREFIXED ACL such as
// amqp:/:queue:orders- covers a family). The default exchange is amq.default, as RabbitMQ names it.
// Both the AMQP listener and the HTTP management routes check these names, so one ACL governs a
// queue whichever door a user comes through.
export type AmqpResource = 'exchange' | 'queue';

/** The namespace every resource name of a vhost starts with (a PREFIXED ACL on it covers the vhost). */
export function amqpVhostPrefix(vhost: string): string {
  return `amqp:${vhost}:`;
}

export function amqpResourceName(vhost: string, kind: AmqpResource, name: string): string {
  return `${amqpVhostPrefix(vhost)}${kind}:${kind === 'exchange' && name === '' ? 'amq.default' : name}`;
}
