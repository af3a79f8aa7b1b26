// Payout watch: flag a policyholder who receives more than `maxPayouts` payouts, or more than
// `maxTotalCents` in total, within any 10-minute window (hopping, advancing every minute); and
// flag every payout to an account never seen before.
//
// A window is flagged once, on the update that crosses a threshold, so one burst raises one
// flag per window rather than one per payout.

import { hopping, json, keyValueStore, string, type App, type Duration, type StoreDeclaration, type KeyValueStore } from '../../src/streams/index.js';

export interface Payout {
  payoutId: string;
  policyholderId: string;
  accountId: string;
  amountCents: number;
}

export interface PayoutFlag {
  policyholderId: string;
  reason: 'count' | 'total';
  windowStart: number;
  windowEnd: number;
  payouts: number;
  totalCents: number;
}

export interface NewAccountFlag {
  accountId: string;
  payoutId: string;
  policyholderId: string;
}

export interface PayoutWatchTopics {
  payouts: string; // keyed by payoutId
  flags: string; // policyholderId -> PayoutFlag
  newAccounts: string; // accountId -> NewAccountFlag
}

export interface PayoutLimits {
  maxPayouts: number;
  maxTotalCents: number;
  window?: Duration;
  advance?: Duration;
}

interface WindowState {
  payouts: number;
  totalCents: number;
  /** Set on the one update that crossed a threshold. */
  crossed: 'count' | 'total' | null;
  flagged: boolean;
}

export function buildPayoutWatch(app: App, topics: PayoutWatchTopics, limits: PayoutLimits): void {
  const payouts = app.stream(topics.payouts, { key: string, value: json<Payout>() });

  payouts
    .groupBy((_id, p) => p.policyholderId, { key: string, name: 'payouts-by-policyholder' })
    .windowedBy(hopping(limits.window ?? '10m', limits.advance ?? '1m'))
    .aggregate<WindowState>(
      () => ({ payouts: 0, totalCents: 0, crossed: null, flagged: false }),
      (_holder, p, s) => {
        const payoutCount = s.payouts + 1;
        const totalCents = s.totalCents + p.amountCents;
        const over = payoutCount > limits.maxPayouts ? 'count' : totalCents > limits.maxTotalCents ? 'total' : null;
        const crossed = over !== null && !s.flagged ? over : null;
        return { payouts: payoutCount, totalCents, crossed, flagged: s.flagged || over !== null };
      },
      { store: 'payout-windows', value: json<WindowState>() },
    )
    .toStream()
    .filter((_w, s) => s !== null) // an aggregation never deletes; this narrows the type
    .filter((_w, s) => s.crossed !== null)
    .map((w, s) => [
      w.key,
      { policyholderId: w.key, reason: s.crossed!, windowStart: w.window.start, windowEnd: w.window.end, payouts: s.payouts, totalCents: s.totalCents },
    ] as const)
    .to(topics.flags, { key: string, value: json<PayoutFlag>() });

  const seenAccounts: StoreDeclaration<KeyValueStore<string, number>> = keyValueStore(string, json<number>());
  payouts
    .selectKey((_id, p) => p.accountId)
    .repartition({ key: string, name: 'payouts-by-account' })
    .process<string, NewAccountFlag, { 'seen-accounts': typeof seenAccounts }>(
      async (records, ctx) => {
        for await (const r of records) {
          const seen = ctx.store('seen-accounts');
          if (seen.get(r.key) === undefined) {
            seen.put(r.key, r.timestamp);
            ctx.forward(r.key, { accountId: r.key, payoutId: r.value.payoutId, policyholderId: r.value.policyholderId });
          }
        }
      },
      { stores: { 'seen-accounts': seenAccounts } },
    )
    .to(topics.newAccounts, { key: string, value: json<NewAccountFlag>() });
}
