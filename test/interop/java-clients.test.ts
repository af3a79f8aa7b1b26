// Interop with the Apache Kafka Java clients (kafka-clients and kafka-streams, the release named in
// scripts/kafka-release.json), built from interop/java by scripts/interop-setup.sh. Each scenario is a class
// method under interop/java (one class per area) run as its own JVM against one in-process Brook.
import { interopTests } from './interop-suite.js';

const SCENARIOS = [
  'producer.idempotent-codecs',
  'producer.acks',
  'producer.rejections',
  'groups.classic-eager-range',
  'groups.classic-eager-roundrobin',
  'groups.classic-cooperative-sticky',
  'groups.classic-static-membership',
  'groups.consumer-join',
  'groups.consumer-scale-1-3-1',
  'groups.consumer-regex',
  'groups.consumer-member-killed',
  'groups.consumer-static-restart',
  'groups.consumer-upgrade-downgrade',
  'admin.topics-configs',
  'admin.group-offsets',
  'admin.records-offsets',
  'admin.producers-transactions',
  'admin.abort-hanging-transaction',
  'txn.commit-abort-read-committed',
  'txn.consume-transform-produce',
  'txn.fencing',
  'streams.eos-windowed-count-join',
  'share.implicit-acks',
  'share.release-reject-limit',
  'share.lock-timeout',
  'share.two-members',
];

// The amqp.* scenarios (RabbitMQ's Java client) run in java-amqp.test.ts, the security.* ones against a secured
// broker in java-security.test.ts.
interopTests('java', SCENARIOS, { covers: (s) => !s.startsWith('amqp.') && !s.startsWith('security.') });
