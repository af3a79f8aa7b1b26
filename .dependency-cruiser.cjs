// Import boundaries between the layers of docs/ARCHITECTURE.md: imports only point down.
//   cli, gateway, streams  ->  client  ->  (Kafka protocol over TCP)  ->  broker -> storage -> protocol -> util
// `cli` may also import `broker` (for `brook start`), the one composition root allowed to.
const layer = (name) => `^src/${name}/`;
const forbid = (from, to, why) => ({
  name: `${from}-must-not-import-${to}`,
  comment: why,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: layer(to) },
});
const above = {
  util: ['protocol', 'mqtt', 'amqp', 'storage', 'broker', 'client', 'gateway', 'console', 'cli', 'streams'],
  protocol: ['storage', 'broker', 'client', 'gateway', 'console', 'cli', 'streams', 'mqtt', 'amqp'],
  mqtt: ['protocol', 'amqp', 'storage', 'broker', 'client', 'gateway', 'console', 'cli', 'streams'],
  amqp: ['protocol', 'mqtt', 'storage', 'broker', 'client', 'gateway', 'console', 'cli', 'streams'],
  storage: ['broker', 'client', 'gateway', 'console', 'cli', 'streams'],
  broker: ['client', 'gateway', 'console', 'cli', 'streams'],
  client: ['broker', 'storage', 'gateway', 'console', 'cli', 'streams'],
  streams: ['broker', 'storage', 'gateway', 'console', 'cli'],
  gateway: ['broker', 'storage', 'cli', 'streams'],
  console: ['broker', 'storage', 'protocol', 'client', 'cli', 'streams'],
};
// src/sql compiles onto brook/streams and sits beside the gateway, which serves its REST API.
above.sql = ['broker', 'storage', 'gateway', 'console', 'cli'];
for (const lower of ['util', 'protocol', 'storage', 'broker', 'client', 'streams', 'console']) above[lower].push('sql');
const rules = [];
for (const [from, targets] of Object.entries(above)) {
  for (const to of targets) rules.push(forbid(from, to, `${from} is below ${to} (or beside it across the wire)`));
}
rules.push({
  name: 'kafka-client-only-in-client-layer',
  comment: 'Everything above the wire reaches Kafka through src/client (docs/ARCHITECTURE.md).',
  severity: 'error',
  from: { path: '^src/', pathNot: '^src/client/' },
  to: { path: 'node_modules/(@platformatic/kafka|kafkajs)/' },
});
rules.push({
  name: 'no-circular',
  severity: 'error',
  from: {},
  to: { circular: true },
});
module.exports = {
  forbidden: rules,
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
