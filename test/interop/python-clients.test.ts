// Interop with the Python clients from PyPI: confluent-kafka (its bundled librdkafka) and aiokafka, in the
// virtualenv scripts/interop-setup.sh creates (interop/python/requirements.txt). Each scenario is one process
// (interop/python/run.py) against one in-process Brook.
import { interopTests } from './interop-suite.js';

const SCENARIOS = [
  'confluent.produce-consume',
  'confluent.groups-range',
  'confluent.groups-cooperative-sticky',
  'confluent.groups-static-membership',
  'confluent.consumer-join',
  'confluent.consumer-scale-1-3-1',
  'confluent.consumer-regex',
  'confluent.consumer-member-killed',
  'confluent.consumer-static-restart',
  'confluent.consumer-upgrade',
  'confluent.transactions',
  'confluent.consume-transform-produce',
  'confluent.admin-topics-configs',
  'confluent.admin-groups-records',
  'aiokafka.produce-consume',
  'aiokafka.groups',
  'aiokafka.transactions',
  'aiokafka.consume-transform-produce',
  'aiokafka.admin',
];

interopTests('python', SCENARIOS);
