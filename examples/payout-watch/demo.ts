// A small demo data set for payout-watch: a burst of payouts to one policyholder (count flag), one
// large payout (total flag) and payouts to new and known accounts.
import type { DemoRecord } from '../shared/run-example.js';
import type { Payout, PayoutLimits, PayoutWatchTopics } from './topology.js';

// Topics of its own, named after the example.
export const payoutWatchTopics: PayoutWatchTopics = { payouts: 'payout-watch.payouts', flags: 'payout-watch.flags', newAccounts: 'payout-watch.new-accounts' };
export const payoutWatchLimits: PayoutLimits = { maxPayouts: 2, maxTotalCents: 10_000, window: '10m', advance: '5m' };

const min = 60_000;
const base = 1_700_000_100_000 - (1_700_000_100_000 % (10 * min));
const pay = (payoutId: string, policyholderId: string, accountId: string, amountCents: number, atMin: number): DemoRecord => {
  const value: Payout = { payoutId, policyholderId, accountId, amountCents };
  return { topic: payoutWatchTopics.payouts, key: payoutId, value, timestamp: base + atMin * min };
};

export const payoutWatchDemo: DemoRecord[] = [
  pay('p1', 'alice', 'acc-1', 100, 1),
  pay('p2', 'alice', 'acc-1', 100, 2),
  pay('p3', 'alice', 'acc-2', 100, 3),
  pay('p4', 'alice', 'acc-2', 100, 4),
  pay('p5', 'bob', 'acc-9', 20_000, 6),
];
