// An in-memory session store: per key, its sessions (few, non-overlapping, kept in start order).
// Indexed by session end too, for emit-final scans and expiry. Bounded by `maxEntries` sessions.

import { StreamsError } from '../errors.js';
import type { ChangelogRecord } from '../engine/transport.js';
import type { TimeWindow } from '../windows.js';
import { MemoryStoreBase } from './memory-store-base.js';
import { parseSessionKey, sessionKey } from './store-keys.js';
import { TimeIndex } from './time-index.js';
import type { SessionEntry, SessionStore, StoreSpec } from './store.js';

/** A session's slot in the end index: the key identity plus the window start, unique per key. */
function slotId(id: string, start: number): string {
  return `${start}|${id}`;
}

export class MemorySessionStore<K, V> extends MemoryStoreBase<K, V> implements SessionStore<K, V> {
  readonly kind = 'session' as const;
  private readonly byKey = new Map<string, Array<SessionEntry<K, V>>>();
  private readonly byEnd = new TimeIndex<SessionEntry<K, V>>();

  constructor(spec: StoreSpec<K, V>) {
    super(spec);
  }

  restoreBatch(records: readonly ChangelogRecord[]): void {
    for (const r of records) {
      const { key, start, end } = parseSessionKey(r.key);
      const id = this.ids.ofBytes(key);
      if (r.value === null) this.removeLocal(id, { start, end });
      else this.setLocal(id, this.keySerde.deserialize(key), { start, end }, this.valueSerde.deserialize(r.value));
    }
  }

  changelogValue(changelogKey: Buffer): Buffer | null {
    const { key, start, end } = parseSessionKey(changelogKey);
    const s = this.byKey.get(this.ids.ofBytes(key))?.find((e) => e.window.start === start && e.window.end === end);
    return s ? this.valueSerde.serialize(s.value) : null;
  }

  sessions(key: K): ReadonlyArray<SessionEntry<K, V>> {
    return this.byKey.get(this.ids.of(key)) ?? [];
  }

  put(key: K, window: TimeWindow, value: V): void {
    this.setLocal(this.ids.of(key), key, window, value);
    this.logger.log(sessionKey(this.keySerde.serialize(key), window.start, window.end), this.valueSerde.serialize(value));
  }

  remove(key: K, window: TimeWindow): void {
    if (this.removeLocal(this.ids.of(key), window)) {
      this.logger.log(sessionKey(this.keySerde.serialize(key), window.start, window.end), null);
    }
  }

  endingBy(maxEnd: number): Array<SessionEntry<K, V>> {
    return this.byEnd.range(Number.NEGATIVE_INFINITY, maxEnd);
  }

  earliestEnd(): number | undefined {
    return this.byEnd.earliest();
  }

  expire(beforeEnd: number): void {
    for (const [, , entry] of this.byEnd.takeBefore(beforeEnd)) {
      const id = this.ids.of(entry.key);
      const list = this.byKey.get(id);
      if (!list) continue;
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      if (list.length === 0) this.byKey.delete(id);
    }
  }

  approximateEntries(): number {
    return this.byEnd.size;
  }

  async close(): Promise<void> {
    this.byKey.clear();
    this.byEnd.clear();
  }

  private setLocal(id: string, key: K, window: TimeWindow, value: V): void {
    let list = this.byKey.get(id);
    if (!list) {
      list = [];
      this.byKey.set(id, list);
    }
    const i = list.findIndex((s) => s.window.start === window.start && s.window.end === window.end);
    const entry: SessionEntry<K, V> = { key, window: { start: window.start, end: window.end }, value };
    if (i >= 0) {
      this.byEnd.remove(window.end, slotId(id, window.start));
      list[i] = entry;
    } else {
      if (this.byEnd.size >= this.maxEntries) {
        throw new StreamsError('STORE_FULL', `session store '${this.name}' holds its maximum of ${this.maxEntries} sessions`);
      }
      list.push(entry);
      list.sort((a, b) => a.window.start - b.window.start);
    }
    this.byEnd.add(window.end, slotId(id, window.start), entry);
  }

  private removeLocal(id: string, window: TimeWindow): boolean {
    const list = this.byKey.get(id);
    if (!list) return false;
    const i = list.findIndex((s) => s.window.start === window.start && s.window.end === window.end);
    if (i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.byKey.delete(id);
    this.byEnd.remove(window.end, slotId(id, window.start));
    return true;
  }
}
