// Order numbering: every order gets a gap-free, strictly increasing number per shop (1, 2, 3, ...),
// exactly once, even when the numbering service crashes mid-stream and orders arrive concurrently
// from many producers. README.md in this folder explains why it is correct.
//
//   orders topic (key: shop)  ->  per-shop counter in a state store  ->  numbered topic (key: shop)
//
// The app runs with guarantee 'exactly-once': each commit is one transaction holding the numbered
// outputs, the counter's changelog records and the input offsets, so after a crash the committed
// state, outputs and position always agree and the orders since the last commit are numbered again,
// identically, by the next instance.

import { int64, json, keyValueStore, string, type App } from '../../src/streams/index.js';

export interface Order {
  orderId: string;
  shop: string;
}

export interface NumberedOrder {
  shop: string;
  orderId: string;
  /** 1 for the shop's first order, then each next integer with no gaps. */
  number: number;
}

export interface OrderNumberingTopics {
  orders: string; // shop -> Order (keyed by shop, so one shop's orders share a partition and an order)
  numbered: string; // shop -> NumberedOrder
}

export function buildOrderNumbering(app: App, topics: OrderNumberingTopics): void {
  app
    .stream(topics.orders, { key: string, value: json<Order>() })
    .process<string, NumberedOrder, { last: ReturnType<typeof keyValueStore<string, number>> }>(
      async (orders, ctx) => {
        const last = ctx.store('last');
        for await (const order of orders) {
          // The key is the shop: the partition, and so the task, that owns a shop's counter sees its orders in log order.
          const number = (last.get(order.key) ?? 0) + 1;
          last.put(order.key, number);
          ctx.forward(order.key, { shop: order.key, orderId: order.value.orderId, number });
        }
      },
      { stores: { last: keyValueStore(string, int64) } },
    )
    .to(topics.numbered, { key: string, value: json<NumberedOrder>() });
}
