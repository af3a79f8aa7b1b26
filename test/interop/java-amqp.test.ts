// Interop with RabbitMQ's Java client (com.rabbitmq:amqp-client, the version in interop/java/pom.xml), unmodified,
// against Brook's AMQP 0-9-1 listener: the amqp.* scenarios of interop/java (AmqpScenarios), each its own JVM,
// against one in-process Brook started with AMQP on port 0. Built by scripts/interop-setup.sh like the Kafka ones.
import { interopTests } from './interop-suite.js';

const SCENARIOS = [
  'amqp.confirms-get-consume',
  'amqp.exchange-routing',
  'amqp.reject-nack-dead-letter',
  'amqp.mandatory-return',
  'amqp.channel-errors',
];

interopTests('java', SCENARIOS, { covers: (s) => s.startsWith('amqp.'), amqp: true });
