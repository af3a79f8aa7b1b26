// Interop with franz-go (kgo, kadm), built from the module under interop/go by scripts/interop-setup.sh into
// one binary; each scenario is one run of it against one in-process Brook.
import { interopTests } from './interop-suite.js';

const SCENARIOS = [
  'franz.produce-consume',
  'franz.groups-range',
  'franz.groups-cooperative-sticky',
  'franz.groups-static-membership',
  'franz.transactions',
  'franz.group-transact-session',
  'franz.admin-topics-configs',
  'franz.admin-groups-records',
  'franz.admin-producers-transactions',
];

interopTests('go', SCENARIOS);
