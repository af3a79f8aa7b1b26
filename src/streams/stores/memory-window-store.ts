// An in-memory window store: values per (key, window start). Bounded by `maxEntries` (windows
// held), failing with STORE_FULL beyond it; windows leave through `expire` as stream time passes
// their retention, which the windowed aggregations drive.

import { StreamsError } from '../errors.js';
import type { ChangelogRecord } from '../engine/transport.js';
import { MemoryStoreBase } from './memory-store-base.js';
import { parseWindowKey, windowKey } from './store-keys.js';
import { TimeIndex } from './time-index.js';
import type { StoreSpec, WindowEntry, WindowStore } from './store.js';

interface Slot<K, V> {
  key: K;
  start: number;
  value: V;
}

export class MemoryWindowStore<K, V> extends MemoryStoreBase<K, V> implements WindowStore<K, V> {
  readonly kind = 'window' as const;
  /** key identity -> window start -> slot */
  private readonly byKey = new Map<string, Map<number, Slot<K, V>>>();
  private readonly byStart = new TimeIndex<Slot<K, V>>();

  constructor(spec: StoreSpec<K, V>) {
    super(spec);
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    for (const r of records) {
      const { key, start } = parseWindowKey(r.key);
      const id = this.ids.ofBytes(key);
      if (r.value === null) this.removeLocal(id, start);
      else this.setLocal(id, this.keySerde.deserialize(key), start, this.valueSerde.deserialize(r.value));
    }
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const { key, start } = parseWindowKey(changelogKey);
    const slot = this.byKey.get(this.ids.ofBytes(key))?.get(start);
    return slot ? this.valueSerde.serialize(slot.value) : null;
  }

  get(key: K, windowStart: number): V | undefined {
    return this.byKey.get(this.ids.of(key))?.get(windowStart)?.value;
  }

  put(key: K, windowStart: number, value: V): void {
    this.setLocal(this.ids.of(key), key, windowStart, value);
    this.logger.log(windowKey(this.keySerde.serialize(key), windowStart), this.valueSerde.serialize(value));
  }

  delete(key: K, windowStart: number): void {
    const id = this.ids.of(key);
    if (!this.byKey.get(id)?.has(windowStart)) return;
    this.removeLocal(id, windowStart);
    this.logger.log(windowKey(this.keySerde.serialize(key), windowStart), null);
  }

  fetch(key: K, fromStart: number, toStart: number): Array<[number, V]> {
    const slots = this.byKey.get(this.ids.of(key));
    const out: Array<[number, V]> = [];
    if (!slots) return out;
    for (const s of slots.values()) if (s.start >= fromStart && s.start <= toStart) out.push([s.start, s.value]);
    return out.sort((a, b) => a[0] - b[0]);
  }

  fetchAll(fromStart: number, toStart: number): Array<WindowEntry<K, V>> {
    return this.byStart.range(fromStart, toStart);
  }

  earliestStart(): number | undefined {
    return this.byStart.earliest();
  }

  expire(beforeStart: number): void {
    for (const [start, id] of this.byStart.takeBefore(beforeStart)) {
      const slots = this.byKey.get(id);
      if (!slots) continue;
      slots.delete(start);
      if (slots.size === 0) this.byKey.delete(id);
    }
  }

  approximateEntries(): number {
    return this.byStart.size;
  }

  async close(): Promise<void> {
    this.byKey.clear();
    this.byStart.clear();
  }

  private setLocal(id: string, key: K, start: number, value: V): void {
    let slots = this.byKey.get(id);
    if (!slots) {
      slots = new Map();
      this.byKey.set(id, slots);
    }
    const slot = slots.get(start);
    if (slot) {
      slot.value = value;
      return;
    }
    if (this.byStart.size >= this.maxEntries) {
      throw new StreamsError('STORE_FULL', `window store '${this.name}' holds its maximum of ${this.maxEntries} windows`);
    }
    const created = { key, start, value };
    slots.set(start, created);
    this.byStart.add(start, id, created);
  }

  private removeLocal(id: string, start: number): void {
    const slots = this.byKey.get(id);
    if (!slots?.delete(start)) return;
    this.byStart.remove(start, id);
    if (slots.size === 0) this.byKey.delete(id);
  }
}
