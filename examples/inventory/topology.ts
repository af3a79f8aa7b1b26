// Inventory: cart events and restocks keep a stock table per product; an alert goes out when a
// cart addition would take a product's stock below zero.
//
// Stock model (reservations): `added` reserves quantity, `removed` releases it, `checked-out`
// confirms what was already reserved (no change), a restock adds. An addition that would make
// stock negative is not reserved; it produces an alert instead.

import { json, string, type App } from '../../src/streams/index.js';

export interface CartEvent {
  type: 'added' | 'removed' | 'checked-out';
  cartId: string;
  productId: string;
  quantity: number;
}

export interface Restock {
  productId: string;
  quantity: number;
}

export interface StockAlert {
  productId: string;
  cartId: string;
  requested: number;
  available: number;
}

export interface InventoryTopics {
  cartEvents: string; // keyed by cartId
  restocks: string; // keyed by productId
  stock: string; // out: productId -> units available
  alerts: string; // out: productId -> StockAlert
}

interface Delta {
  change: number;
  cartId: string | null;
}

interface StockState {
  available: number;
  rejected: StockAlert | null;
}

export function buildInventory(app: App, topics: InventoryTopics): void {
  const carts = app.stream(topics.cartEvents, { key: string, value: json<CartEvent>() });
  const restocks = app.stream(topics.restocks, { key: string, value: json<Restock>() });

  const cartDeltas = carts
    .filter((_k, e) => e.type !== 'checked-out')
    .map((_cart, e): [string, Delta] => [e.productId, { change: e.type === 'added' ? -e.quantity : e.quantity, cartId: e.cartId }]);
  const restockDeltas = restocks.map((_k, r): [string, Delta] => [r.productId, { change: r.quantity, cartId: null }]);

  const stock = cartDeltas
    .merge(restockDeltas)
    .groupByKey({ key: string, value: json<Delta>(), name: 'stock-by-product' })
    .aggregate<StockState>(
      () => ({ available: 0, rejected: null }),
      (productId, d, s) => {
        const next = s.available + d.change;
        if (next < 0) {
          return { available: s.available, rejected: { productId, cartId: d.cartId ?? '', requested: -d.change, available: s.available } };
        }
        return { available: next, rejected: null };
      },
      { store: 'stock', value: json<StockState>() },
    )
    .toStream()
    .filter((_k, s) => s !== null); // an aggregation never deletes; this narrows the type

  const [rejected, accepted] = stock.branch((_k, s) => s.rejected !== null);
  rejected!.mapValues((s) => s.rejected!).to(topics.alerts, { value: json<StockAlert>() });
  accepted!.mapValues((s) => s.available).to(topics.stock, { value: json<number>() });
}
