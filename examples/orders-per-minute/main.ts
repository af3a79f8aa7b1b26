// Run the orders-per-minute example: `npm run example:orders-per-minute -- --brokers localhost:9092 --demo`.
import { buildOrdersPerMinute } from './topology.js';
import { ordersPerMinuteDemo, ordersPerMinuteTopics as t } from './demo.js';
import { runExample } from '../shared/run-example.js';

await runExample({
  appId: 'orders-per-minute-example',
  topics: { [t.orders]: 1, [t.output]: 1 },
  outputs: [t.output],
  build: (app) => buildOrdersPerMinute(app, t, '10s'),
  demo: ordersPerMinuteDemo,
});
