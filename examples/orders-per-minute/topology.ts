// Orders per minute: count orders and sum revenue per category in 1-minute tumbling windows,
// emitting one final result per window once its grace period has passed.

import { json, string, tumbling, type App, type Duration } from '../../src/streams/index.js';

export interface Order {
  orderId: string;
  category: string;
  /** Revenue in cents (whole numbers add exactly). */
  amountCents: number;
}

export interface CategoryMinute {
  category: string;
  windowStart: number;
  windowEnd: number;
  orders: number;
  revenueCents: number;
}

export interface OrdersPerMinuteTopics {
  orders: string; // keyed by orderId
  output: string; // category -> CategoryMinute
}

export function buildOrdersPerMinute(app: App, topics: OrdersPerMinuteTopics, grace: Duration = '10s'): void {
  app
    .stream(topics.orders, { key: string, value: json<Order>() })
    .groupBy((_id, o) => o.category, { key: string, name: 'orders-by-category' })
    .windowedBy(tumbling('1m', { grace }))
    .emit('final')
    .aggregate(
      () => ({ orders: 0, revenueCents: 0 }),
      (_category, o, acc) => ({ orders: acc.orders + 1, revenueCents: acc.revenueCents + o.amountCents }),
      { store: 'category-minute', value: json<{ orders: number; revenueCents: number }>() },
    )
    .toStream()
    .map((w, acc) => [w.key, { category: w.key, windowStart: w.window.start, windowEnd: w.window.end, ...acc }] as const)
    .to(topics.output, { key: string, value: json<CategoryMinute>() });
}
