// The metastore: every stream and table the engine knows, and the custom types (CREATE TYPE).
// Names are exact (unquoted names were upper-cased by the parser). It is rebuilt on start by
// replaying the command topic, so it holds nothing that is not derived from those commands.

import type { SqlType } from '../types/sql-type.js';
import type { DataSource } from './data-source.js';

export class MetaStore {
  private readonly sources = new Map<string, DataSource>();
  private readonly types = new Map<string, SqlType>();

  source(name: string): DataSource | undefined {
    return this.sources.get(name);
  }

  /** A source by name, or a near miss differing only in case (for "Did you mean ...?" hints). */
  caseInsensitive(name: string): DataSource | undefined {
    const upper = name.toUpperCase();
    for (const s of this.sources.values()) if (s.name.toUpperCase() === upper) return s;
    return undefined;
  }

  allSources(): DataSource[] {
    return [...this.sources.values()];
  }

  putSource(s: DataSource): void {
    this.sources.set(s.name, s);
  }

  deleteSource(name: string): boolean {
    return this.sources.delete(name);
  }

  type(name: string): SqlType | undefined {
    return this.types.get(name.toUpperCase());
  }

  allTypes(): Array<[string, SqlType]> {
    return [...this.types.entries()];
  }

  putType(name: string, t: SqlType): void {
    this.types.set(name.toUpperCase(), t);
  }

  deleteType(name: string): boolean {
    return this.types.delete(name.toUpperCase());
  }

  /** Sources whose defining statement reads `name` (derived streams and tables). */
  readersOf(name: string, readsOf: (s: DataSource) => readonly string[]): DataSource[] {
    return this.allSources().filter((s) => readsOf(s).includes(name));
  }
}
