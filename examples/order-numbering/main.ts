// Run the order-numbering example: `npm run example:order-numbering -- --brokers localhost:9092 --demo --once`.
// Without --once it keeps numbering new orders until Ctrl+C. `--instance N` names an instance: an instance keeps
// its transactional id across restarts, so a restarted instance fences its crashed predecessor at once.
import { buildOrderNumbering } from './topology.js';
import { ORDER_PARTITIONS, orderNumberingDemo, orderNumberingTopics as t } from './demo.js';
import { runExample } from '../shared/run-example.js';

await runExample({
  appId: 'order-numbering-example',
  topics: { [t.orders]: ORDER_PARTITIONS, [t.numbered]: ORDER_PARTITIONS },
  outputs: [t.numbered],
  build: (app) => buildOrderNumbering(app, t),
  demo: orderNumberingDemo,
  // Exactly-once; a session timeout at Kafka's minimum, so a crashed instance's partitions move within seconds.
  app: (instance) => ({ guarantee: 'exactly-once', clientId: `order-numbering-example-${instance}`, sessionTimeoutMs: 6000 }),
});
