// A small demo data set for orders-per-minute: two minutes of orders, one late order, and a last
// order that closes the second minute (final results appear once a window's grace has passed).
import type { DemoRecord } from '../shared/run-example.js';
import type { Order, OrdersPerMinuteTopics } from './topology.js';

// Topics of its own, named after the example, so it never reads the quickstart's `orders`.
export const ordersPerMinuteTopics: OrdersPerMinuteTopics = { orders: 'orders-per-minute.orders', output: 'orders-per-minute.category-minutes' };

const base = 1_700_000_040_000; // a minute boundary
const order = (orderId: string, category: string, amountCents: number, offsetMs: number): DemoRecord => {
  const value: Order = { orderId, category, amountCents };
  return { topic: ordersPerMinuteTopics.orders, key: orderId, value, timestamp: base + offsetMs };
};

export const ordersPerMinuteDemo: DemoRecord[] = [
  order('o1', 'books', 1_000, 5_000),
  order('o2', 'games', 2_500, 20_000),
  order('o3', 'books', 500, 59_999),
  order('o4', 'books', 700, 61_000),
  order('o5', 'games', 300, 55_000), // a little late, within the 10 s grace
  order('o6', 'toys', 900, 70_000), // closes minute 0
  order('o7', 'books', 999, 30_000), // too late: dropped
  order('o8', 'toys', 100, 130_000), // closes minute 1
];
