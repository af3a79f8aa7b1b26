// AMQP operations checked against the broker's ACLs (docs/security.md, "AMQP and MQTT"). RabbitMQ's
// configure/write/read permissions become Kafka ACL operations on TOPIC resources named
//   amqp:<vhost>:exchange:<name>   (the default exchange is amq.default, as RabbitMQ names it)
//   amqp:<vhost>:queue:<name>
// (":" cannot occur in a Kafka topic name, so these never collide with a real topic's ACLs; PREFIXED
// ACLs such as amqp:/:queue:orders- cover a family). The mapping, RabbitMQ's table with Kafka's verbs:
//   exchange.declare (not passive)      CREATE on the exchange         (RabbitMQ: configure)
//   queue.declare (not passive)         CREATE on the queue            (configure)
//   passive declares                    DESCRIBE on the resource       (implied by any other right)
//   exchange.delete / queue.delete      DELETE on the resource         (configure)
//   queue.purge                         DELETE on the queue            (read)
//   queue.bind / unbind                 WRITE on the queue, READ on the exchange
//   exchange.bind / unbind              WRITE on the destination, READ on the source
//   basic.publish                       WRITE on the exchange
//   basic.consume / basic.get           READ on the queue
//   connection.open                     some right in amqp:<vhost>: (mayOpenVhost; refused: 530 NOT_ALLOWED)
// A refusal closes the channel with 403 ACCESS_REFUSED and RabbitMQ's text, and is audited.
import { amqpResourceName, amqpVhostPrefix, type AmqpResource } from '../../amqp/index.js';
import type { AclOperationCode } from '../topics/authorized-operations.js';
import type { SharedUsers } from './auth.js';
import { Reply, withMethod } from './errors.js';


export class AmqpAcl {
  constructor(
    private readonly users: SharedUsers | null,
    /** The client's address (an IPv4-mapped IPv6 address is taken as the IPv4 one). */
    remoteAddress: string,
  ) {
    this.host = remoteAddress.replace(/^::ffff:/, '');
  }

  private readonly host: string;

  /**
   * Whether `user` may open `vhost`: some right inside the vhost's namespace `amqp:<vhost>:` (a
   * literal ACL on `amqp:<vhost>:` itself grants the vhost and nothing in it), as RabbitMQ lets in a
   * user with permissions on the vhost; super users, and allow.everyone.if.no.acl.found when no ACL
   * lies in the namespace, as for every other check (acl-authorizer.ts allowsWithin).
   */
  mayOpenVhost(user: string, vhost: string): boolean {
    const authorizeWithin = this.users?.authorizeWithin;
    return !authorizeWithin || authorizeWithin({ principal: `User:${user}`, host: this.host, prefix: amqpVhostPrefix(vhost) }, 'amqp');
  }

  /** Throws 403 ACCESS_REFUSED (a channel error of method class/id) unless `user` may do it. */
  require(user: string, vhost: string, operation: AclOperationCode, kind: AmqpResource, name: string, classId: number, methodId: number): void {
    const authorize = this.users?.authorize;
    if (!authorize) return;
    const resourceName = amqpResourceName(vhost, kind, name);
    if (authorize({ principal: `User:${user}`, host: this.host, operation, resource: 'topic', name: resourceName }, 'amqp')) return;
    const shown = kind === 'exchange' && name === '' ? 'amq.default' : name;
    throw withMethod(Reply.accessRefused(`access to ${kind} '${shown}' in vhost '${vhost}' refused for user '${user}'`), classId, methodId);
  }
}
