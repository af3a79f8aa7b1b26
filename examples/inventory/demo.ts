// A small demo data set for the inventory example (timestamps increase in the order listed).
import type { DemoRecord } from '../shared/run-example.js';
import type { CartEvent, InventoryTopics, Restock } from './topology.js';

// Topics of its own, named after the example, so it never reads another example's (or the quickstart's) data.
export const inventoryTopics: InventoryTopics = { cartEvents: 'inventory.cart-events', restocks: 'inventory.restocks', stock: 'inventory.stock', alerts: 'inventory.stock-alerts' };

const restock = (productId: string, quantity: number): Restock => ({ productId, quantity });
const cart = (type: CartEvent['type'], cartId: string, productId: string, quantity: number): CartEvent => ({ type, cartId, productId, quantity });

export const inventoryDemo: DemoRecord[] = [
  { topic: inventoryTopics.restocks, key: 'apple', value: restock('apple', 5) },
  { topic: inventoryTopics.restocks, key: 'pear', value: restock('pear', 2) },
  { topic: inventoryTopics.cartEvents, key: 'c1', value: cart('added', 'c1', 'apple', 3) },
  { topic: inventoryTopics.cartEvents, key: 'c2', value: cart('added', 'c2', 'apple', 4) },
  { topic: inventoryTopics.cartEvents, key: 'c1', value: cart('removed', 'c1', 'apple', 1) },
  { topic: inventoryTopics.cartEvents, key: 'c1', value: cart('checked-out', 'c1', 'apple', 2) },
  { topic: inventoryTopics.cartEvents, key: 'c3', value: cart('added', 'c3', 'pear', 2) },
  { topic: inventoryTopics.cartEvents, key: 'c3', value: cart('added', 'c3', 'plum', 1) },
  { topic: inventoryTopics.restocks, key: 'plum', value: restock('plum', 10) },
  { topic: inventoryTopics.cartEvents, key: 'c4', value: cart('added', 'c4', 'plum', 4) },
].map((r, i) => ({ ...r, timestamp: 1_700_000_000_000 + i * 1_000 }));
