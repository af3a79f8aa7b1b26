// A small demo data set: twelve orders from three shops, interleaved as concurrent shoppers would send them.
import type { DemoRecord } from '../shared/run-example.js';
import type { Order, OrderNumberingTopics } from './topology.js';

// Topics of its own, named after the example.
export const orderNumberingTopics: OrderNumberingTopics = { orders: 'order-numbering.orders', numbered: 'order-numbering.numbered' };
export const ORDER_PARTITIONS = 3;

const base = 1_700_000_000_000;
const shops = ['bakery', 'books', 'garden'];
export const orderNumberingDemo: DemoRecord[] = Array.from({ length: 12 }, (_, i) => {
  const shop = shops[(i * 7) % shops.length]!;
  const value: Order = { orderId: `o-${1000 + i}`, shop };
  return { topic: orderNumberingTopics.orders, key: shop, value, timestamp: base + i * 1000 };
});
