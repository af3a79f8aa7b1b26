// Run the inventory example: `npm run example:inventory -- --brokers localhost:9092 --demo`.
import { buildInventory } from './topology.js';
import { inventoryDemo, inventoryTopics as t } from './demo.js';
import { runExample } from '../shared/run-example.js';

await runExample({
  appId: 'inventory-example',
  topics: { [t.cartEvents]: 1, [t.restocks]: 1, [t.stock]: 1, [t.alerts]: 1 },
  outputs: [t.stock, t.alerts],
  build: (app) => buildInventory(app, t),
  demo: inventoryDemo,
});
