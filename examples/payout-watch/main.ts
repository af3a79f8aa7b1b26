// Run the payout-watch example: `npm run example:payout-watch -- --brokers localhost:9092 --demo`.
import { buildPayoutWatch } from './topology.js';
import { payoutWatchDemo, payoutWatchLimits, payoutWatchTopics as t } from './demo.js';
import { runExample } from '../shared/run-example.js';

await runExample({
  appId: 'payout-watch-example',
  topics: { [t.payouts]: 1, [t.flags]: 1, [t.newAccounts]: 1 },
  outputs: [t.flags, t.newAccounts],
  build: (app) => buildPayoutWatch(app, t, payoutWatchLimits),
  demo: payoutWatchDemo,
});
