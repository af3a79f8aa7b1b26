// A small demo data set for the inventory example (timestamps increase in the order listed).
import type { DemoRecord } from '../shared/run-example.js';
import type { CartEvent, InventoryTopics, Restock } from './topology.js';

export const inventoryTopics: InventoryTopics = { cartEvents: 'cart-events', restocks: 'restocks', stock: 'stock', alerts: 'stock-alerts' };

const restock = (productId: string, quantity: number): Restock => ({ productId, quantity });
const cart = (type: CartEvent['type'], cartId: string, productId: string, quantity: number): CartEvent => ({ type, cartId, productId, quantity });

export const inventoryDemo: DemoRecord[] = [
  { topic: 'restocks', key: 'apple', value: restock('apple', 5) },
  { topic: 'restocks', key: 'pear', value: restock('pear', 2) },
  { topic: 'cart-events', key: 'c1', value: cart('added', 'c1', 'apple', 3) },
  { topic: 'cart-events', key: 'c2', value: cart('added', 'c2', 'apple', 4) },
  { topic: 'cart-events', key: 'c1', value: cart('removed', 'c1', 'apple', 1) },
  { topic: 'cart-events', key: 'c1', value: cart('checked-out', 'c1', 'apple', 2) },
  { topic: 'cart-events', key: 'c3', value: cart('added', 'c3', 'pear', 2) },
  { topic: 'cart-events', key: 'c3', value: cart('added', 'c3', 'plum', 1) },
  { topic: 'restocks', key: 'plum', value: restock('plum', 10) },
  { topic: 'cart-events', key: 'c4', value: cart('added', 'c4', 'plum', 4) },
].map((r, i) => ({ ...r, timestamp: 1_700_000_000_000 + i * 1_000 }));
