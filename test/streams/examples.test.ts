// The example topologies (examples/<name>/topology.ts) through the TestDriver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { App, TestDriver, json, string } from '../../src/streams/index.js';
import { buildInventory, type CartEvent, type Restock, type StockAlert } from '../../examples/inventory/topology.js';
import { buildOrdersPerMinute, type CategoryMinute, type Order } from '../../examples/orders-per-minute/topology.js';
import { buildPayoutWatch, type NewAccountFlag, type Payout, type PayoutFlag } from '../../examples/payout-watch/topology.js';

test('inventory: reservations keep a stock table; an addition past zero raises an alert', async () => {
  const app = new App({ appId: 'inventory' });
  buildInventory(app, { cartEvents: 'cart-events', restocks: 'restocks', stock: 'stock', alerts: 'stock-alerts' });
  const d = await TestDriver.create(app, { defaultPartitions: 2 });
  const carts = d.input('cart-events', string, json<CartEvent>());
  const restocks = d.input('restocks', string, json<Restock>());
  await restocks.pipe('apple', { productId: 'apple', quantity: 5 });
  await carts.pipe('c1', { type: 'added', cartId: 'c1', productId: 'apple', quantity: 3 });
  await carts.pipe('c2', { type: 'added', cartId: 'c2', productId: 'apple', quantity: 4 }); // only 2 left
  await carts.pipe('c1', { type: 'removed', cartId: 'c1', productId: 'apple', quantity: 1 });
  await carts.pipe('c1', { type: 'checked-out', cartId: 'c1', productId: 'apple', quantity: 2 });
  await carts.pipe('c3', { type: 'added', cartId: 'c3', productId: 'pear', quantity: 1 });
  assert.deepEqual(d.output('stock', string, json<number>()).readKeyValues(), [['apple', 5], ['apple', 2], ['apple', 3]]);
  assert.deepEqual(d.output('stock-alerts', string, json<StockAlert>()).readValues(), [
    { productId: 'apple', cartId: 'c2', requested: 4, available: 2 },
    { productId: 'pear', cartId: 'c3', requested: 1, available: 0 },
  ]);
  await d.close();
});

test('orders-per-minute: one final count and revenue per category and minute, late orders dropped', async () => {
  const app = new App({ appId: 'opm' });
  buildOrdersPerMinute(app, { orders: 'orders', output: 'category-minutes' }, '10s');
  const d = await TestDriver.create(app);
  const orders = d.input('orders', string, json<Order>());
  const order = (id: string, category: string, cents: number, ts: number) => orders.pipe(id, { orderId: id, category, amountCents: cents }, { timestamp: ts });
  await order('o1', 'books', 1_000, 5_000);
  await order('o2', 'games', 2_500, 20_000);
  await order('o3', 'books', 500, 59_999);
  await order('o4', 'books', 700, 61_000);
  await order('o5', 'books', 100, 65_000); // stream time 65s; minute 0 still open (grace 10s)
  await order('o6', 'games', 300, 55_000); // on time, within grace
  assert.deepEqual(d.output('category-minutes', string, json<CategoryMinute>()).readValues(), []);
  await order('o7', 'toys', 900, 70_000); // closes minute 0
  await order('o8', 'books', 999, 30_000); // late: dropped
  await order('o9', 'toys', 1, 130_000); // closes minute 1
  const out = d.output('category-minutes', string, json<CategoryMinute>()).readValues();
  assert.deepEqual(out, [
    { category: 'books', windowStart: 0, windowEnd: 60_000, orders: 2, revenueCents: 1_500 },
    { category: 'games', windowStart: 0, windowEnd: 60_000, orders: 2, revenueCents: 2_800 },
    { category: 'books', windowStart: 60_000, windowEnd: 120_000, orders: 2, revenueCents: 800 },
    { category: 'toys', windowStart: 60_000, windowEnd: 120_000, orders: 1, revenueCents: 900 },
  ]);
  assert.equal(d.total('lateDrops'), 1);
  await d.close();
});

test('payout-watch: flags count and total bursts once per window, and first payouts to new accounts', async () => {
  const app = new App({ appId: 'payouts' });
  buildPayoutWatch(app, { payouts: 'payouts', flags: 'payout-flags', newAccounts: 'new-accounts' }, { maxPayouts: 2, maxTotalCents: 10_000, window: '10m', advance: '5m' });
  const d = await TestDriver.create(app, { defaultPartitions: 2 });
  const payouts = d.input('payouts', string, json<Payout>());
  const min = 60_000;
  const pay = (id: string, holder: string, account: string, cents: number, ts: number) =>
    payouts.pipe(id, { payoutId: id, policyholderId: holder, accountId: account, amountCents: cents }, { timestamp: ts });
  await pay('p1', 'alice', 'acc-1', 100, 1 * min);
  await pay('p2', 'alice', 'acc-1', 100, 2 * min);
  await pay('p3', 'alice', 'acc-2', 100, 3 * min); // third in [0,10m): count flag
  await pay('p4', 'alice', 'acc-2', 100, 4 * min); // already flagged in that window
  await pay('p5', 'bob', 'acc-9', 20_000, 6 * min); // total flag in [0,10m) and [5m,15m)
  const flags = d.output('payout-flags', string, json<PayoutFlag>()).readValues().map((f) => [f!.policyholderId, f!.reason, f!.windowStart]);
  assert.deepEqual(flags.sort(), [['alice', 'count', 0], ['bob', 'total', 0], ['bob', 'total', 5 * min]].sort());
  const fresh = d.output('new-accounts', string, json<NewAccountFlag>()).readValues().map((f) => f!.payoutId);
  assert.deepEqual(fresh.sort(), ['p1', 'p3', 'p5']);
  await d.close();
});
